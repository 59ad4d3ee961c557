package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/arn"
)

// describeRule is DescribeRule: one rule of a bus (the default one unless
// named).
func (ev *eventsAPI) describeRule(w http.ResponseWriter, r *http.Request) error {
	var in struct{ Name, EventBusName string }
	if err := readJSON(r, &in); err != nil {
		return err
	}
	_, rules := ev.plan()
	ru, err := findRule(rules, in.Name, in.EventBusName)
	if err != nil {
		return err
	}
	out := ruleOf(ru)
	out.CreatedBy = arn.Account
	return writeJSON11(w, out)
}
