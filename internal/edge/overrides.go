package edge

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/verge-edge/verge/internal/edge/origin"
	"github.com/verge-edge/verge/internal/stack"
)

// maxOverrides bounds the origins kept for function-chosen overrides; past
// it the oldest is closed. Each holds a pooled transport.
const maxOverrides = 64

// overrides holds the origins functions send requests to: HTTP origins
// (CloudFront Functions' updateRequestOrigin, Lambda@Edge's custom origin)
// and bucket folders (Lambda@Edge's s3 origin), one per distinct setting,
// so repeated overrides reuse pooled connections.
type overrides struct {
	opts origin.Options
	// buckets maps each bucket resource the plan serves, in lower case, to
	// its folder: the only buckets whose folder the edge knows.
	buckets map[string]string
	mu      sync.Mutex
	m       map[string]origin.Handler
	order   []string
}

func newOverrides(opts origin.Options) *overrides {
	return &overrides{opts: opts, buckets: map[string]string{}, m: map[string]origin.Handler{}}
}

// addBuckets records the bucket folders origin o (and its group members)
// serves.
func (o *overrides) addBuckets(spec stack.Origin) {
	switch {
	case spec.Bucket != nil && spec.Bucket.Resource != "" && spec.Bucket.Directory != "":
		o.buckets[strings.ToLower(spec.Bucket.Resource)] = spec.Bucket.Directory
	case spec.Group != nil:
		o.addBuckets(spec.Group.Primary)
		o.addBuckets(spec.Group.Secondary)
	}
}

// get returns the HTTP origin for spec, making it on first use.
func (o *overrides) get(spec stack.HTTPOrigin) (origin.Handler, error) {
	b, _ := json.Marshal(spec)
	return o.getOrMake("http\x00"+string(b), func() (origin.Handler, error) { return origin.NewHTTP(spec, o.opts) })
}

// getBucket returns the origin for a bucket a function switched to, with
// the index and error documents of the distribution the request is for.
// A bucket the plan serves nowhere is an error naming it.
func (o *overrides) getBucket(c BucketChange, bo origin.BucketOptions) (origin.Handler, error) {
	dir, ok := o.buckets[strings.ToLower(c.Name)]
	if !ok {
		return nil, fmt.Errorf("the s3 origin's bucket %q is not a bucket resource that a distribution of this stack serves", c.Name)
	}
	b, _ := json.Marshal(struct {
		C BucketChange
		O origin.BucketOptions
	}{c, bo})
	return o.getOrMake("bucket\x00"+string(b), func() (origin.Handler, error) {
		opts := o.opts
		opts.Bucket = bo
		h, err := origin.NewBucket(dir, opts.Bucket)
		if err != nil {
			return nil, fmt.Errorf("the s3 origin's bucket %q: %w", c.Name, err)
		}
		prefix := strings.TrimSuffix(c.Path, "/")
		decoded, err := url.PathUnescape(prefix)
		if err != nil {
			return nil, fmt.Errorf("the s3 origin's path %q is not URL-encoded: %w", c.Path, err)
		}
		return &prefixed{Handler: h, prefix: prefix, decoded: decoded, headers: c.CustomHeaders}, nil
	})
}

// getOrMake returns the origin under key, making it on first use and
// closing the oldest past maxOverrides.
func (o *overrides) getOrMake(key string, mk func() (origin.Handler, error)) (origin.Handler, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if h, ok := o.m[key]; ok {
		return h, nil
	}
	h, err := mk()
	if err != nil {
		return nil, err
	}
	if len(o.order) >= maxOverrides {
		oldest := o.order[0]
		o.order = o.order[1:]
		o.m[oldest].Close() // only idle connections; requests in flight finish
		delete(o.m, oldest)
	}
	o.m[key] = h
	o.order = append(o.order, key)
	return h, nil
}

func (o *overrides) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, h := range o.m {
		h.Close()
	}
}

// prefixed is a bucket origin reached through an s3 origin path: every
// object key starts with prefix. The bucket cleans the joined path, so a
// prefix cannot lead out of its folder.
type prefixed struct {
	origin.Handler
	prefix  string // as on the wire
	decoded string
	headers []stack.Header
}

func (p *prefixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.prefix == "" && len(p.headers) == 0 {
		p.Handler.ServeHTTP(w, r)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = p.decoded+r.URL.Path, p.prefix+r.URL.EscapedPath()
	for _, h := range p.headers {
		r2.Header.Set(h.Name, h.Value)
	}
	p.Handler.ServeHTTP(w, r2)
}
