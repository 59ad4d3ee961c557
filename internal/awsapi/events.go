package awsapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
)

// An EventRule is a rule of the running plan as EventBridge shows it: a
// bus rule (Pattern) or a schedule (Schedule, on the default bus).
type EventRule struct {
	Name string
	// Bus is the bus's name ("default" for the default bus).
	Bus string
	// Pattern is the event pattern as JSON; "" for a schedule.
	Pattern string
	// Schedule is "rate(…)" or "cron(…)"; "" for a bus rule.
	Schedule string
	Targets  []EventTarget
}

// An EventTarget is what a rule invokes, with what it sends in place of the
// event (at most one of Input, InputPath and Transformer).
type EventTarget struct {
	ID, ARN          string
	Input, InputPath string
	Transformer      *eventbus.Transformer
}

// EventPlan lists the running plan's buses (the default one left out) and
// rules.
type EventPlan func() (buses []string, rules []EventRule)

// Events returns the EventBridge service (AWS JSON 1.1, X-Amz-Target
// AWSEvents.*): PutEvents puts on p's buses; buses says which exist; plan
// lists buses and rules for the read operations (nil: the default bus, no
// rules).
func Events(p eventbus.Publisher, buses func(name string) bool, plan EventPlan) *Service {
	if plan == nil {
		plan = func() ([]string, []EventRule) { return nil, nil }
	}
	put := eventbus.NewHandler(p, buses)
	ev := &eventsAPI{plan: plan}
	ops := []Operation{
		{Name: "PutEvents", Resources: busResources, Handle: func(w http.ResponseWriter, r *http.Request) error {
			put.ServeHTTP(w, r) // writes its own errors, already EventBridge's
			return nil
		}},
		{Name: "ListEventBuses", Handle: ev.listEventBuses},
		{Name: "DescribeEventBus", Resources: describeBusResource, Handle: ev.describeEventBus},
		{Name: "ListRules", Handle: ev.listRules},
		{Name: "DescribeRule", Resources: ruleResource("Name"), Handle: ev.describeRule},
		{Name: "ListTargetsByRule", Resources: ruleResource("Rule"), Handle: ev.listTargetsByRule},
		{Name: "TestEventPattern", Handle: testEventPattern},
	}
	for i := range ops {
		ops[i].Action = "events:" + ops[i].Name
	}
	return &Service{Name: "events", Protocol: JSON11, Target: "AWSEvents.", Ops: ops}
}

// eventsAPI serves EventBridge's read operations.
type eventsAPI struct{ plan EventPlan }

// busResources are the ARNs of the buses a PutEvents request's entries
// name, each once. It reads the body and puts it back.
func busResources(r *http.Request) []string {
	var in struct {
		Entries []struct{ EventBusName string }
	}
	if !peekJSON(r, &in) {
		return nil
	}
	var out []string
	for _, e := range in.Entries {
		a := arn.EventBus(eventbus.BusName(e.EventBusName))
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// writeJSON11 writes a successful AWS JSON 1.1 response.
func writeJSON11(w http.ResponseWriter, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return ErrInternal.With("encoding the response: " + err.Error())
	}
	w.Header().Set("Content-Type", contentJSON11)
	w.Write(b)
	return nil
}

// eventsPage reads NextToken (an offset Verge gave) and Limit, and returns
// the page's bounds in a list of n and the next page's token.
func eventsPage(n int, token string, limit int) (from, to int, next string, err error) {
	if limit < 0 || limit > eventsMaxLimit {
		return 0, 0, "", ErrValidation.Withf("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100", limit)
	}
	if limit == 0 {
		limit = eventsDefaultLimit
	}
	from, to, next, ok := offsetPage(n, token, limit)
	if !ok {
		return 0, 0, "", ErrValidation.With("The NextToken provided is invalid: " + token)
	}
	return from, to, next, nil
}

// offsetPage is a page of size items from the offset marker ("" for the
// first page) in a list of n; ok is false for a marker Verge did not give.
func offsetPage(n int, marker string, size int) (from, to int, next string, ok bool) {
	if marker != "" {
		f, err := strconv.Atoi(marker)
		if err != nil || f < 0 || f > n {
			return 0, 0, "", false
		}
		from = f
	}
	to = min(n, from+size)
	if to < n {
		next = strconv.Itoa(to)
	}
	return from, to, next, true
}

// findRule is the rule named name on bus (a name or an ARN), or
// ResourceNotFoundException.
func findRule(rules []EventRule, name, bus string) (EventRule, error) {
	bus = eventbus.BusName(bus)
	for _, r := range rules {
		if r.Name == name && r.Bus == bus {
			return r, nil
		}
	}
	return EventRule{}, errNotFound.Withf("Rule %s does not exist on EventBus %s.", name, bus)
}

// ruleARN is a rule's ARN: rule/NAME on the default bus, rule/BUS/NAME on
// another.
func ruleARN(name, bus string) string {
	if b := eventbus.BusName(bus); b != eventbus.DefaultBus {
		name = b + "/" + name
	}
	return arn.Rule(name)
}

// ruleResource is the ARN of the rule a request names in its field.
func ruleResource(field string) func(r *http.Request) []string {
	return func(r *http.Request) []string {
		var in map[string]any
		if !peekJSON(r, &in) {
			return nil
		}
		name, _ := in[field].(string)
		bus, _ := in["EventBusName"].(string)
		return []string{ruleARN(name, bus)}
	}
}

// describeBusResource is the ARN of the bus DescribeEventBus names.
func describeBusResource(r *http.Request) []string {
	var in struct{ Name string }
	if !peekJSON(r, &in) {
		return nil
	}
	return []string{arn.EventBus(eventbus.BusName(in.Name))}
}
