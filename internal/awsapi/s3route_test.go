package awsapi

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestS3Pick: the operation of each request shape, path-style and
// virtual-host.
func TestS3Pick(t *testing.T) {
	a := &s3API{}
	tests := []struct {
		method, host, target string
		header               string // a header set: "Name: value"
		op                   string // "" for an error
		code                 string
		bucket, key          string
	}{
		{"GET", "127.0.0.1:9", "/", "", "ListBuckets", "", "", ""},
		{"PUT", "127.0.0.1:9", "/", "", "", "MethodNotAllowed", "", ""},
		{"PUT", "127.0.0.1:9", "/b", "", "CreateBucket", "", "b", ""},
		{"PUT", "b.localhost:9", "/", "", "CreateBucket", "", "b", ""},
		{"PUT", "my.bucket.s3.localhost", "/", "", "CreateBucket", "", "my.bucket", ""},
		{"HEAD", "localhost:9", "/b/", "", "HeadBucket", "", "b", ""},
		{"DELETE", "localhost:9", "/b", "", "DeleteBucket", "", "b", ""},
		{"GET", "localhost:9", "/b?location", "", "GetBucketLocation", "", "b", ""},
		{"GET", "localhost:9", "/b?list-type=2&prefix=a", "", "ListObjectsV2", "", "b", ""},
		{"GET", "localhost:9", "/b?prefix=a", "", "ListObjects", "", "b", ""},
		{"GET", "localhost:9", "/b?uploads", "", "ListMultipartUploads", "", "b", ""},
		{"GET", "localhost:9", "/b?notification", "", "GetBucketNotificationConfiguration", "", "b", ""},
		{"PUT", "localhost:9", "/b?notification", "", "PutBucketNotificationConfiguration", "", "b", ""},
		{"POST", "localhost:9", "/b?delete", "", "DeleteObjects", "", "b", ""},
		{"POST", "b.localhost:9", "/", "Content-Type: multipart/form-data; boundary=x", "PostObject", "", "b", ""},
		{"GET", "localhost:9", "/b?versioning", "", "", "NotImplemented", "b", ""},
		{"PUT", "localhost:9", "/b?cors", "", "", "NotImplemented", "b", ""},
		{"GET", "localhost:9", "/b?tagging", "", "", "NotImplemented", "b", ""},
		{"GET", "localhost:9", "/b/k", "", "GetObject", "", "b", "k"},
		{"GET", "b.localhost:9", "/k", "", "GetObject", "", "b", "k"},
		{"GET", "localhost:9", "/b/a//c/", "", "GetObject", "", "b", "a//c/"},
		{"GET", "localhost:9", "/b/a%2Fc%25", "", "GetObject", "", "b", "a/c%"},
		{"HEAD", "localhost:9", "/b/k", "", "HeadObject", "", "b", "k"},
		{"PUT", "localhost:9", "/b/k", "", "PutObject", "", "b", "k"},
		{"PUT", "localhost:9", "/b/k", "X-Amz-Copy-Source: a/b", "CopyObject", "", "b", "k"},
		{"PUT", "localhost:9", "/b/k?partNumber=1&uploadId=u", "", "UploadPart", "", "b", "k"},
		{"PUT", "localhost:9", "/b/k?partNumber=1&uploadId=u", "X-Amz-Copy-Source: a/b", "UploadPartCopy", "", "b", "k"},
		{"POST", "localhost:9", "/b/k?uploads", "", "CreateMultipartUpload", "", "b", "k"},
		{"POST", "localhost:9", "/b/k?uploadId=u", "", "CompleteMultipartUpload", "", "b", "k"},
		{"DELETE", "localhost:9", "/b/k?uploadId=u", "", "AbortMultipartUpload", "", "b", "k"},
		{"GET", "localhost:9", "/b/k?uploadId=u", "", "ListParts", "", "b", "k"},
		{"DELETE", "localhost:9", "/b/k", "", "DeleteObject", "", "b", "k"},
		{"GET", "localhost:9", "/b/k?tagging", "", "GetObjectTagging", "", "b", "k"},
		{"PUT", "localhost:9", "/b/k?tagging", "", "PutObjectTagging", "", "b", "k"},
		{"DELETE", "localhost:9", "/b/k?tagging", "", "DeleteObjectTagging", "", "b", "k"},
		{"GET", "localhost:9", "/b/k?acl", "", "", "NotImplemented", "b", "k"},
		{"POST", "localhost:9", "/b/k?restore", "", "", "NotImplemented", "b", "k"},
		{"POST", "localhost:9", "/b/k", "", "", "MethodNotAllowed", "b", "k"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.host+tt.target, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "http://"+tt.host+tt.target, nil)
			if tt.header != "" {
				name, v, _ := strings.Cut(tt.header, ": ")
				r.Header.Set(name, v)
			}
			op, err := a.pick(r)
			if op != tt.op || (err == nil) != (tt.code == "") || (err != nil && err.Code != tt.code) {
				t.Errorf("pick = %q, %v; want %q, %s", op, err, tt.op, tt.code)
			}
			if got := a.target(r); got.Bucket != tt.bucket || got.Key != tt.key {
				t.Errorf("target = %+v, want %s %s", got, tt.bucket, tt.key)
			}
		})
	}
}

// TestS3Claim: only an unsigned multipart POST to a bucket is S3's.
func TestS3Claim(t *testing.T) {
	a := &s3API{}
	tests := []struct {
		method, url, ct string
		want            bool
	}{
		{"POST", "http://localhost/b", "multipart/form-data; boundary=x", true},
		{"POST", "http://b.localhost/", "multipart/form-data; boundary=x", true},
		{"POST", "http://localhost/b/k", "multipart/form-data; boundary=x", false},
		{"POST", "http://localhost/", "multipart/form-data; boundary=x", false},
		{"POST", "http://localhost/b", "application/x-www-form-urlencoded", false},
		{"GET", "http://localhost/b", "multipart/form-data; boundary=x", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.url, nil)
		r.Header.Set("Content-Type", tt.ct)
		if got := a.claim(r); got != tt.want {
			t.Errorf("%s %s %s: claim = %v", tt.method, tt.url, tt.ct, got)
		}
	}
}
