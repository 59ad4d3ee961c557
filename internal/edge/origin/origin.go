package origin

import (
	"net/http"
	"strconv"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/stack"
)

// Options configure origins.
type Options struct {
	// Via is this node's Via entry ("1.1 verge"), appended to the Via header
	// of requests to HTTP origins; empty adds none.
	Via string
	// OnError renders an error response (502 or 504) when an origin cannot be
	// reached; detail says why, for logs. Nil writes the plain status text.
	OnError func(w http.ResponseWriter, r *http.Request, status int, detail string)
	// Bucket is the index and error document behaviour of bucket origins.
	Bucket BucketOptions
	// Gateway returns the handler of the stack's http-api-gateway or
	// application-load-balancer called name, for gateway origins; nil
	// answers them 502.
	Gateway func(name string) http.Handler
	// BucketInfo returns the Info of the bucket resource called name (what
	// its S3 side stored of each object); nil, or a nil result, for none.
	BucketInfo func(name string) InfoFunc
}

// InfoFunc is what a bucket's S3 side stored of the version (size,
// modification time, inode) of the object key: its ETag and content type;
// ok is false when it stored nothing for that version.
type InfoFunc = func(key string, size, modTimeNs int64, ino uint64) (etag, contentType string, ok bool)

// BucketOptions configure bucket origins the way S3 website hosting does.
type BucketOptions struct {
	// IndexDocument ("index.html") is served for paths ending in "/"; empty for none.
	IndexDocument string
	// ErrorDocument ("/404.html") is the bucket path whose body is served with
	// status 404 when an object is missing; empty for a plain 404.
	ErrorDocument string
	// SinglePageApp serves the root IndexDocument with status 200 when an
	// object is missing. It wins over ErrorDocument.
	SinglePageApp bool
	// Info, when set, is consulted before the origin hashes a file and
	// types it by extension: an object uploaded through S3 keeps the
	// Content-Type and ETag (a multipart one's "…-N") S3 reports. It gets
	// the object's key and the file's identity, and answers ok false when
	// it knows nothing current of that version; an empty etag or
	// contentType falls back to the computed one. Nil for none.
	Info InfoFunc `json:"-"`
}

// Handler is an origin.
type Handler interface {
	http.Handler
	// Close releases pooled connections. It is idempotent, and the handler
	// keeps working after it (opening new connections as needed).
	Close()
}

// New returns the origin o describes.
func New(o stack.Origin, opts Options) (Handler, error) {
	const op errs.Op = "origin.New"
	switch o.Kind {
	case stack.OriginBucket:
		if o.Bucket != nil {
			bo := opts.Bucket
			if opts.BucketInfo != nil {
				bo.Info = opts.BucketInfo(o.Bucket.Resource)
			}
			return NewBucket(o.Bucket.Directory, bo)
		}
	case stack.OriginHTTP:
		if o.HTTP != nil {
			return NewHTTP(*o.HTTP, opts)
		}
	case stack.OriginGroup:
		if o.Group != nil {
			return NewGroup(*o.Group, opts)
		}
	case stack.OriginGateway:
		if o.Gateway != nil {
			return newGateway(o.Gateway.Resource, opts), nil
		}
	default:
		return nil, errs.E(op, errs.Invalid, errs.Errorf("unknown origin kind %q", o.Kind))
	}
	return nil, errs.E(op, errs.Invalid, errs.Errorf("%s origin without its settings", o.Kind))
}

// renderError reports an origin failure through onError, or as plain text.
func renderError(onError func(http.ResponseWriter, *http.Request, int, string), w http.ResponseWriter, r *http.Request, status int, detail string) {
	if onError != nil {
		onError(w, r, status, detail)
		return
	}
	// The detail may name internal hosts, so viewers get the status text only.
	plainError(w, r, status)
}

// plainError writes status with its text as a plain-text body (none for HEAD).
func plainError(w http.ResponseWriter, r *http.Request, status int) {
	body := http.StatusText(status) + "\n"
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(body))
	}
}
