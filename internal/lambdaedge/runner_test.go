package lambdaedge

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/stack"
)

// originSwitcher is an Invoker whose handler returns the event's request
// with request.origin replaced: the Go equivalent of a handler that
// switches origins.
type originSwitcher struct{ origin map[string]any }

func (s originSwitcher) Invoke(_ context.Context, req *functions.Request) (*functions.Response, error) {
	var ev struct {
		Records []struct {
			CF struct {
				Request map[string]any `json:"request"`
			} `json:"cf"`
		} `json:"Records"`
	}
	if err := json.Unmarshal(req.Payload, &ev); err != nil {
		return nil, err
	}
	r := ev.Records[0].CF.Request
	r["origin"] = s.origin
	out, err := json.Marshal(r)
	return &functions.Response{Payload: out}, err
}

func TestRunnerOriginSwitch(t *testing.T) {
	httpOrigin := &stack.Origin{Kind: stack.OriginHTTP, HTTP: &stack.HTTPOrigin{URL: "https://api.example.com:443", ConnectTimeout: 10, ReadTimeout: 30}}
	for _, c := range []struct {
		name       string
		origin     map[string]any
		wantBucket *edge.BucketChange
		wantHTTP   bool
	}{
		{name: "s3", origin: map[string]any{"s3": map[string]any{
			"authMethod": "none", "domainName": "assets.s3.amazonaws.com", "path": "/v2", "region": "us-east-1",
			"customHeaders": map[string]any{"x-origin-secret": []any{map[string]any{"key": "X-Origin-Secret", "value": "s"}}}}},
			wantBucket: &edge.BucketChange{Name: "assets", Path: "/v2", CustomHeaders: []stack.Header{{Name: "X-Origin-Secret", Value: "s"}}}},
		{name: "custom", origin: map[string]any{"custom": map[string]any{
			"domainName": "other.example.com", "port": 443, "protocol": "https", "path": "", "sslProtocols": []any{"TLSv1.2"},
			"readTimeout": 30, "keepaliveTimeout": 5, "customHeaders": map[string]any{}}}, wantHTTP: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := NewRunner(RunnerOptions{Functions: originSwitcher{origin: c.origin}})
			req := &edge.Request{Method: "GET", URI: "/x", Header: http.Header{"Host": {"d.example.com"}}, ClientIP: "127.0.0.1",
				Distribution: "site", RequestID: "id", Origin: httpOrigin,
				OriginBucket: &edge.BucketChange{Name: "earlier"}}
			fn := &stack.FunctionRef{Name: "f", Type: stack.TypeEdgeLambdaFunction}
			gen, err := r.Request(context.Background(), stack.OriginRequest, fn, req)
			if err != nil || gen != nil {
				t.Fatalf("Request: %v, %v", gen, err)
			}
			if (req.OriginOverride != nil) != c.wantHTTP {
				t.Errorf("OriginOverride = %+v, want set: %v", req.OriginOverride, c.wantHTTP)
			}
			got, _ := json.Marshal(req.OriginBucket)
			want, _ := json.Marshal(c.wantBucket)
			if string(got) != string(want) {
				t.Errorf("OriginBucket = %s, want %s", got, want)
			}
		})
	}
}
