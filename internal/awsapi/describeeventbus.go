package awsapi

import (
	"net/http"
	"slices"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
)

// describeEventBus is DescribeEventBus: the bus named (by name or ARN),
// the default one when none is.
func (ev *eventsAPI) describeEventBus(w http.ResponseWriter, r *http.Request) error {
	var in struct{ Name string }
	if err := readJSON(r, &in); err != nil {
		return err
	}
	name := eventbus.BusName(in.Name)
	names, _ := ev.plan()
	if name != eventbus.DefaultBus && !slices.Contains(names, name) {
		return errNotFound.Withf("Event bus %s does not exist.", name)
	}
	return writeJSON11(w, eventBus{Name: name, Arn: arn.EventBus(name)})
}
