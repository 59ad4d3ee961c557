// Package awsclient holds the two settings an AWS SDK for Go v2 client
// needs against a local endpoint such as Verge's, for Verge's own tests
// and benchmarks (docs/aws-api.md shows them to users):
//
//   - NoHostPrefix: the SDK sends StartLiveTail to "stream-" + the
//     endpoint's host, which a local address does not resolve;
//   - OwnBodies: the SDK closes a request body as soon as the response
//     headers arrive; when the server answers before net/http has finished
//     with the body (it checks for bytes past Content-Length after writing
//     them), that close fails the write and net/http closes the connection,
//     which kills a live tail's stream under it (about 1 StartLiveTail in
//     20 here). An in-memory copy is written with the headers and never
//     closed early.
package awsclient

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// NoHostPrefix keeps a CloudWatch Logs client's requests on the
// endpoint's own host.
func NoHostPrefix(o *cloudwatchlogs.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("NoHostPrefix",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
			}), middleware.Before)
	})
}

// OwnBodies is an SDK HTTP client that sends a copy of each request body.
type OwnBodies struct{ Client *http.Client }

// Do sends r with its body read into memory first.
func (o OwnBodies) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
	}
	return o.Client.Do(r)
}
