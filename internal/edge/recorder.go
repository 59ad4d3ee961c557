package edge

import (
	"bytes"
	"net/http"
)

// recorder buffers a whole response, for phases that need it complete: a
// function at origin-response or viewer-response sees the full response.
type recorder struct {
	status int
	header http.Header
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (rc *recorder) Header() http.Header { return rc.header }

func (rc *recorder) WriteHeader(status int) {
	if rc.status == 0 && status >= 200 {
		rc.status = status
	}
}

func (rc *recorder) Write(p []byte) (int, error) {
	rc.WriteHeader(http.StatusOK)
	return rc.body.Write(p)
}

func (rc *recorder) response() *Response {
	rc.WriteHeader(http.StatusOK)
	return &Response{Status: rc.status, Header: rc.header, Body: rc.body.Bytes()}
}
