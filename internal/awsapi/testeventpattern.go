package awsapi

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/verge-edge/verge/internal/triggers/pattern"
)

// eventRequiredFields are the fields TestEventPattern's event must have,
// as EventBridge checks them.
var eventRequiredFields = []string{"id", "account", "source", "time", "region", "resources", "detail-type"}

// testEventPattern is TestEventPattern: whether an event matches a
// pattern, by the matcher the bus rules use.
func testEventPattern(w http.ResponseWriter, r *http.Request) error {
	var in struct{ EventPattern, Event string }
	if err := readJSON(r, &in); err != nil {
		return err
	}
	p, err := pattern.Compile([]byte(in.EventPattern))
	if err != nil {
		return errInvalidPattern.With("Event pattern is not valid. Reason: " + err.Error())
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(in.Event), &fields); err != nil {
		return ErrValidation.With("Parameter Event is not valid. Reason: " + err.Error())
	}
	var missing []string
	for _, f := range eventRequiredFields {
		if _, ok := fields[f]; !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return ErrValidation.With("Parameter Event is not valid. Reason: Provided Event is missing required fields: " + strings.Join(missing, ", "))
	}
	return writeJSON11(w, struct {
		Result bool `json:"Result"`
	}{p.Match([]byte(in.Event))})
}
