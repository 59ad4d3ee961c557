package awsapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/triggers/eventbus"
)

// rule is a rule as ListRules and DescribeRule write it.
type rule struct {
	Name               string `json:"Name"`
	Arn                string `json:"Arn"`
	EventPattern       string `json:"EventPattern,omitempty"`
	ScheduleExpression string `json:"ScheduleExpression,omitempty"`
	State              string `json:"State"`
	EventBusName       string `json:"EventBusName"`
	CreatedBy          string `json:"CreatedBy,omitempty"`
}

func ruleOf(r EventRule) rule {
	return rule{Name: r.Name, Arn: ruleARN(r.Name, r.Bus), EventPattern: r.Pattern, ScheduleExpression: r.Schedule,
		State: ruleStateEnabled, EventBusName: r.Bus}
}

// listRules is ListRules: the rules of one bus (the default one unless
// named), by name, in pages.
func (ev *eventsAPI) listRules(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		NamePrefix   string
		EventBusName string
		NextToken    string
		Limit        int
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	bus := eventbus.BusName(in.EventBusName)
	buses, rules := ev.plan()
	if bus != eventbus.DefaultBus && !slices.Contains(buses, bus) {
		return errNotFound.Withf("Event bus %s does not exist.", bus)
	}
	all := []rule{}
	for _, ru := range rules {
		if ru.Bus == bus && strings.HasPrefix(ru.Name, in.NamePrefix) {
			all = append(all, ruleOf(ru))
		}
	}
	from, to, next, err := eventsPage(len(all), in.NextToken, in.Limit)
	if err != nil {
		return err
	}
	return writeJSON11(w, struct {
		Rules     []rule `json:"Rules"`
		NextToken string `json:"NextToken,omitempty"`
	}{all[from:to], next})
}
