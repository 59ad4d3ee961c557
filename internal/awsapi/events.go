package awsapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
)

// Events returns the EventBridge service (AWS JSON 1.1, X-Amz-Target
// AWSEvents.*): PutEvents puts on p's buses; buses says which exist.
func Events(p eventbus.Publisher, buses func(name string) bool) *Service {
	put := eventbus.NewHandler(p, buses)
	return &Service{Name: "events", Protocol: JSON11, Target: "AWSEvents.", Ops: []Operation{
		{Name: "PutEvents", Action: "events:PutEvents", Resources: busResources, Handle: func(w http.ResponseWriter, r *http.Request) error {
			put.ServeHTTP(w, r) // writes its own errors, already EventBridge's
			return nil
		}},
	}}
}

// busResources are the ARNs of the buses a PutEvents request's entries
// name, each once. It reads the body and puts it back.
func busResources(r *http.Request) []string {
	b, err := io.ReadAll(io.LimitReader(r.Body, eventbus.MaxRequestSize*5))
	r.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	var in struct {
		Entries []struct{ EventBusName string }
	}
	if json.Unmarshal(b, &in) != nil {
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
