package awsapi

import (
	"cmp"
	"net/http"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/arn"
)

type describeLogGroupsInput struct {
	LogGroupNamePrefix  string   `json:"logGroupNamePrefix"`
	LogGroupNamePattern string   `json:"logGroupNamePattern"`
	LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
	Limit               *int32   `json:"limit"`
	NextToken           *string  `json:"nextToken"`
}

type logGroup struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime,omitempty"`
	Arn               string `json:"arn"`
	LogGroupArn       string `json:"logGroupArn"`
	RetentionInDays   int64  `json:"retentionInDays,omitempty"`
	StoredBytes       int64  `json:"storedBytes"`
	MetricFilterCount int32  `json:"metricFilterCount"`
	LogGroupClass     string `json:"logGroupClass"`
}

type describeLogGroupsOutput struct {
	LogGroups []logGroup `json:"logGroups"`
	NextToken string     `json:"nextToken,omitempty"`
}

// describeLogGroups is DescribeLogGroups: the groups, by name, selected by
// prefix, by a case-insensitive substring, or by identifiers.
func (l *logsAPI) describeLogGroups(w http.ResponseWriter, r *http.Request) error {
	var in describeLogGroupsInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	n := 0
	for _, s := range []string{in.LogGroupNamePrefix, in.LogGroupNamePattern} {
		if s != "" {
			n++
		}
	}
	if len(in.LogGroupIdentifiers) > 0 {
		n++
	}
	if n > 1 {
		return errInvalidParameter.With("logGroupNamePrefix, logGroupNamePattern and logGroupIdentifiers are mutually exclusive parameters.")
	}
	limit, err := checkLimit(in.Limit, maxDescribeLimit, maxDescribeLimit)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, id := range in.LogGroupIdentifiers {
		want[groupName(id)] = true
	}
	pattern := strings.ToLower(in.LogGroupNamePattern)
	var names []string // sorted: Groups sorts
	for _, g := range l.store.Groups() {
		switch {
		case !strings.HasPrefix(g, in.LogGroupNamePrefix),
			!strings.Contains(strings.ToLower(g), pattern),
			len(want) > 0 && !want[g]:
			continue
		}
		names = append(names, g)
	}
	from, to, next, err := pageBounds(len(names), in.NextToken, limit)
	if err != nil {
		return err
	}
	out := describeLogGroupsOutput{LogGroups: []logGroup{}, NextToken: next}
	for _, name := range names[from:to] {
		info, err := l.store.Info(name)
		if err != nil {
			continue // gone meanwhile
		}
		out.LogGroups = append(out.LogGroups, logGroup{
			LogGroupName:    name,
			CreationTime:    optMillis(info.Created),
			Arn:             arn.LogGroup(name),
			LogGroupArn:     arn.LogGroupBare(name),
			RetentionInDays: int64(info.Retention / (24 * time.Hour)),
			StoredBytes:     info.StoredBytes,
			LogGroupClass:   cmp.Or(info.Class, logGroupClassStandard),
		})
	}
	return writeJSON(w, http.StatusOK, out)
}
