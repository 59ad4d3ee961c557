package awsapi

import (
	"net/http"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
)

type eventBus struct {
	Name string `json:"Name"`
	Arn  string `json:"Arn"`
}

// listEventBuses is ListEventBuses: the default bus and the stack's
// event-bus resources, by name, in pages.
func (ev *eventsAPI) listEventBuses(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		NamePrefix string
		NextToken  string
		Limit      int
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	names, _ := ev.plan()
	all := []eventBus{}
	for _, n := range append([]string{eventbus.DefaultBus}, names...) {
		if strings.HasPrefix(n, in.NamePrefix) {
			all = append(all, eventBus{Name: n, Arn: arn.EventBus(n)})
		}
	}
	from, to, next, err := eventsPage(len(all), in.NextToken, in.Limit)
	if err != nil {
		return err
	}
	return writeJSON11(w, struct {
		EventBuses []eventBus `json:"EventBuses"`
		NextToken  string     `json:"NextToken,omitempty"`
	}{all[from:to], next})
}
