package cff

import "testing"

// BenchmarkViewerRequest is the per-request cost of a viewer-request
// function around the engine: build the event, apply an unchanged result.
func BenchmarkViewerRequest(b *testing.B) {
	out := []byte(withHeaders(`"true-client-ip":{"value":"198.51.100.11"}`))
	b.ReportAllocs()
	for b.Loop() {
		req := testRequest()
		if _, err := NewRequestEvent(req, "d111111abcdef8.cloudfront.net", ViewerRequest); err != nil {
			b.Fatal(err)
		}
		if _, err := ApplyRequestResult(out, req); err != nil {
			b.Fatal(err)
		}
	}
}
