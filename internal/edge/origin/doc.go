// Package origin implements the origins a Verge distribution fetches from on
// a cache miss: a bucket (a local folder served like an S3 website), an HTTP
// server reached through a reverse proxy (CloudFront's custom origin), and an
// origin group that fails over from a primary to a secondary.
//
// Every origin is an http.Handler. The cache engine builds an outbound
// request for a miss and calls ServeHTTP with a ResponseWriter of its own;
// the origin writes the origin's status, headers and body to it. The request
// carries the viewer path (URL.Path and URL.RawPath), the forwarded query
// (URL.RawQuery), the viewer's Host, the forwarded headers, the viewer's
// RemoteAddr and the context that bounds the fetch.
//
// Failures are reported in three ways:
//
//   - Before anything is written, an origin that cannot produce a response
//     (connection refused, DNS failure, timeout) renders 502 or 504 through
//     Options.OnError.
//   - When the request's context is done (the viewer went away), the origin
//     returns without writing anything, so nothing is reported as 502.
//   - When the body fails midway (the HTTP origin stalled longer than its
//     read timeout or reset the connection), the response cannot be repaired,
//     so ServeHTTP panics with http.ErrAbortHandler, as httputil.ReverseProxy
//     does inside an http.Server. Callers that run an origin outside a server
//     handler goroutine must recover it and discard the partial object.
//
// Bucket paths are decoded exactly once and must stay inside the folder: see
// Clean for the rules. Files are opened through an os.Root, which refuses any
// symbolic link that leads outside. A path Clean refuses, or a link out of
// the folder, is answered 403 (S3's AccessDenied); a missing object is 404,
// unless BucketOptions serve the SPA index (200, checked first, as a
// CloudFront 404→/index.html mapping does) or an error document (404).
//
// A group tries its primary with a writer that holds the response back until
// the status is known: a failover status, or a primary that cannot be
// reached, is discarded whole (headers included) and the secondary answers
// on the real writer. Only GET, HEAD and OPTIONS fail over, as in CloudFront;
// once the primary's response is committed it streams as is.
package origin
