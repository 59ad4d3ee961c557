package awsapi

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// s3Target is what a request addresses: a bucket (none for ListBuckets)
// and a key (none for a bucket operation).
type s3Target struct {
	Bucket, Key string
	// Virtual is set when the bucket came from the Host.
	Virtual bool
}

// resource is the bucket or object as an error's Resource names it.
func (t s3Target) resource() string {
	if t.Key == "" {
		return "/" + t.Bucket
	}
	return "/" + t.Bucket + "/" + t.Key
}

// target reads the bucket and key of r. Virtual-host addressing is a Host
// of BUCKET.localhost or BUCKET.s3.localhost (any port), or any other host
// name whose first label is a bucket the store has; everything else
// (an IP, localhost, a name that is no bucket's) is path-style. The key is
// the path after the bucket, percent-decoded once: "//", a trailing "/" and
// "%2F" are the key's.
func (a *s3API) target(r *http.Request) s3Target {
	path := r.URL.Path
	if b := a.hostBucket(r); b != "" {
		return s3Target{Bucket: b, Key: strings.TrimPrefix(path, "/"), Virtual: true}
	}
	path = strings.TrimPrefix(path, "/")
	b, k, _ := strings.Cut(path, "/")
	return s3Target{Bucket: b, Key: k}
}

// hostBucket is the bucket r's Host names, "" for path-style.
func (a *s3API) hostBucket(r *http.Request) string {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if net.ParseIP(host) != nil {
		return ""
	}
	for _, suffix := range []string{".s3.localhost", ".localhost"} {
		if b, ok := strings.CutSuffix(host, suffix); ok && b != "" && b != "s3" {
			return b
		}
	}
	first, rest, ok := strings.Cut(host, ".")
	if !ok || rest == "" || first == "" {
		return ""
	}
	st := a.backend(r.Context())
	if st == nil {
		return ""
	}
	if _, err := st.Bucket(first); err != nil {
		return ""
	}
	return first
}

// pick names the operation of r, as S3 tells them apart: by method, by
// whether a bucket and a key are addressed, by subresource query
// parameters and, for copies, by x-amz-copy-source.
func (a *s3API) pick(r *http.Request) (string, *Error) {
	t := a.target(r)
	q := r.URL.Query()
	if t.Bucket == "" {
		if r.Method == http.MethodGet {
			return "ListBuckets", nil
		}
		return "", errS3MethodNotAllowed.With("The specified method is not allowed against this resource.")
	}
	if sub, name := unservedSubresource(q); sub != "" {
		return "", notServed(name, sub)
	}
	if t.Key == "" {
		return pickBucket(r, q)
	}
	return pickObject(r, q)
}

// pickBucket names a bucket operation.
func pickBucket(r *http.Request, q url.Values) (string, *Error) {
	switch r.Method {
	case http.MethodGet:
		switch {
		case q.Has(qLocation):
			return "GetBucketLocation", nil
		case q.Has(qNotification):
			return "GetBucketNotificationConfiguration", nil
		case q.Has(qUploads):
			return "ListMultipartUploads", nil
		case q.Has(qTagging):
			return "", notServed("GetBucketTagging", qTagging)
		case q.Get(qList) == "2":
			return "ListObjectsV2", nil
		}
		return "ListObjects", nil
	case http.MethodHead:
		return "HeadBucket", nil
	case http.MethodPut:
		switch {
		case q.Has(qNotification):
			return "PutBucketNotificationConfiguration", nil
		case q.Has(qTagging):
			return "", notServed("PutBucketTagging", qTagging)
		}
		return "CreateBucket", nil
	case http.MethodDelete:
		if q.Has(qTagging) {
			return "", notServed("DeleteBucketTagging", qTagging)
		}
		return "DeleteBucket", nil
	case http.MethodPost:
		switch {
		case q.Has(qDelete):
			return "DeleteObjects", nil
		case strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data"):
			return "PostObject", nil
		}
	}
	return "", errS3MethodNotAllowed.With("The specified method is not allowed against this resource.")
}

// pickObject names an object operation.
func pickObject(r *http.Request, q url.Values) (string, *Error) {
	upload := q.Has(qUploadID)
	switch r.Method {
	case http.MethodGet:
		switch {
		case q.Has(qTagging):
			return "GetObjectTagging", nil
		case upload:
			return "ListParts", nil
		}
		return "GetObject", nil
	case http.MethodHead:
		return "HeadObject", nil
	case http.MethodPut:
		copySrc := r.Header.Get(hdrCopySource) != ""
		switch {
		case q.Has(qTagging):
			return "PutObjectTagging", nil
		case upload && q.Has(qPartNumber) && copySrc:
			return "UploadPartCopy", nil
		case upload && q.Has(qPartNumber):
			return "UploadPart", nil
		case copySrc:
			return "CopyObject", nil
		}
		return "PutObject", nil
	case http.MethodDelete:
		switch {
		case q.Has(qTagging):
			return "DeleteObjectTagging", nil
		case upload:
			return "AbortMultipartUpload", nil
		}
		return "DeleteObject", nil
	case http.MethodPost:
		switch {
		case q.Has(qUploads):
			return "CreateMultipartUpload", nil
		case upload:
			return "CompleteMultipartUpload", nil
		}
	}
	return "", errS3MethodNotAllowed.With("The specified method is not allowed against this resource.")
}

// unservedSubresource is the first query parameter of q naming an
// operation Verge does not serve, with the operation's name.
func unservedSubresource(q url.Values) (sub, name string) {
	for k := range q {
		if n, ok := s3Subresources[k]; ok {
			return k, n
		}
	}
	return "", ""
}

// notServed is NotImplemented naming operation.
func notServed(operation, sub string) *Error {
	return errS3NotImplemented.Withf("Verge does not serve the S3 operation %s (?%s); see docs/aws-api.md for the operations it serves", operation, sub)
}
