package origin

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/stack"
)

func TestNew(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"index.html": "bucket index"})
	up := upstream(t, func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) { _, _ = w.Write([]byte("http origin")) })
	bucket := stack.Origin{Kind: stack.OriginBucket, Bucket: &stack.BucketOrigin{Resource: "site", Directory: dir}}
	type newTest struct {
		name string
		o    stack.Origin
		body string    // served for GET /
		kind errs.Kind // the error kind, when New fails
	}
	tests := []newTest{
		{name: "bucket", o: bucket, body: "bucket index"},
		{name: "http", o: httpOriginAt(up.URL, 0), body: "http origin"},
		{name: "group", o: stack.Origin{Kind: stack.OriginGroup, Group: &stack.GroupOrigin{Primary: httpOriginAt(up.URL, 0), Secondary: bucket}}, body: "http origin"},
		{name: "unknown kind", o: stack.Origin{Kind: "ftp"}, kind: errs.Invalid},
		{name: "bucket without settings", o: stack.Origin{Kind: stack.OriginBucket}, kind: errs.Invalid},
		{name: "http without settings", o: stack.Origin{Kind: stack.OriginHTTP}, kind: errs.Invalid},
		{name: "group without settings", o: stack.Origin{Kind: stack.OriginGroup}, kind: errs.Invalid},
		{name: "missing bucket folder", o: stack.Origin{Kind: stack.OriginBucket, Bucket: &stack.BucketOrigin{Directory: dir + "/nope"}}, kind: errs.NotFound},
		{name: "group with a bad member", o: stack.Origin{Kind: stack.OriginGroup, Group: &stack.GroupOrigin{Primary: bucket, Secondary: stack.Origin{Kind: "ftp"}}}, kind: errs.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := New(tt.o, Options{Bucket: BucketOptions{IndexDocument: "index.html"}})
			if tt.body == "" {
				if !errs.Is(tt.kind, err) {
					t.Errorf("New error = %v, want kind %v", err, tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			defer h.Close() // idempotent
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, viewerRequest("GET", "/"))
			if rec.Code != 200 || rec.Body.String() != tt.body {
				t.Errorf("GET / = %d %q, want 200 %q", rec.Code, rec.Body.String(), tt.body)
			}
		})
	}
}
