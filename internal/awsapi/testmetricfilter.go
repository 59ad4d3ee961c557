package awsapi

import (
	"net/http"
	"strconv"

	"github.com/verge-edge/verge/internal/logs"
)

type testMetricFilterInput struct {
	FilterPattern    *string   `json:"filterPattern"`
	LogEventMessages []*string `json:"logEventMessages"`
}

type metricFilterMatch struct {
	EventNumber     int64             `json:"eventNumber"`
	EventMessage    string            `json:"eventMessage"`
	ExtractedValues map[string]string `json:"extractedValues"`
}

type testMetricFilterOutput struct {
	Matches []metricFilterMatch `json:"matches"`
}

// testMetricFilter is TestMetricFilter: which of the messages the pattern
// matches, numbered from 1, with the values it extracts.
func (l *logsAPI) testMetricFilter(w http.ResponseWriter, r *http.Request) error {
	var in testMetricFilterInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	var v validation
	if v.required(in.FilterPattern, "filterPattern") {
		v.length(in.FilterPattern, "filterPattern", 0, maxFilterPatternLen)
	}
	v.list("logEventMessages", in.LogEventMessages == nil, len(in.LogEventMessages), 1, maxTestMessages)
	for i, m := range in.LogEventMessages {
		member := "logEventMessages." + strconv.Itoa(i+1) + ".member"
		if v.required(m, member) {
			v.length(m, member, 1, 0)
		}
	}
	if err := v.err(); err != nil {
		return err
	}
	f, err := logs.ParseFilter(*in.FilterPattern)
	if err != nil {
		return errInvalidParameter.With(cause(err))
	}
	out := testMetricFilterOutput{Matches: []metricFilterMatch{}}
	for i, m := range in.LogEventMessages {
		values, ok := f.Extract(*m)
		if !ok {
			continue
		}
		if values == nil {
			values = map[string]string{}
		}
		out.Matches = append(out.Matches, metricFilterMatch{EventNumber: int64(i + 1), EventMessage: *m, ExtractedValues: values})
	}
	return writeJSON(w, http.StatusOK, out)
}
