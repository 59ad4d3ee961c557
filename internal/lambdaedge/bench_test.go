package lambdaedge

import (
	"testing"

	"github.com/verge-edge/verge/internal/stack"
)

// BenchmarkRoundTrip builds an origin-request event and applies the
// event's own request: the model's cost per invocation.
func BenchmarkRoundTrip(b *testing.B) {
	cfg := testConfig
	cfg.ViewerCountry = "GB"
	for b.Loop() {
		req := testRequest()
		AddCloudFrontHeaders(req, cfg)
		ev, err := Build(stack.OriginRequest, cfg, req, nil, false)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Apply(stack.OriginRequest, member(b, ev, "request"), req, nil); err != nil {
			b.Fatal(err)
		}
	}
}
