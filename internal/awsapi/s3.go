package awsapi

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/s3"
	s3event "github.com/verge-edge/verge/internal/triggers/s3"
)

// S3 returns the bucket API on store: S3's REST-XML, signed for "s3",
// with path-style and virtual-host addressing (docs/aws-api.md, "S3").
func S3(store Opener[*s3.Store]) *Service {
	a := &s3API{store: lazy[*s3.Store]{open: store}}
	ops := a.operations()
	a.store.guard(ops)
	svc := &Service{Name: "s3", Protocol: S3XML, StreamBody: true, Ops: ops}
	index := map[string]int{}
	for i, op := range ops {
		index[op.Name] = i
	}
	svc.Pick = func(r *http.Request) (*Operation, *Error) {
		name, err := a.pick(r)
		if err != nil {
			return nil, err
		}
		return &svc.Ops[index[name]], nil
	}
	svc.Claim = a.claim
	return svc
}

// s3API serves S3's operations.
type s3API struct{ store lazy[*s3.Store] }

// s3Handler serves one operation on the request's bucket and key.
type s3Handler func(w http.ResponseWriter, r *http.Request, in *s3Call) error

// s3Call is what every handler gets: the store and the addressed object.
type s3Call struct {
	store       *s3.Store
	Bucket, Key string
}

// operations are the served operations with their IAM actions.
func (a *s3API) operations() []Operation {
	bucket := func(r *http.Request) []string { return []string{arn.Bucket(a.target(r).Bucket)} }
	object := func(r *http.Request) []string {
		t := a.target(r)
		return []string{arn.Bucket(t.Bucket) + "/" + t.Key}
	}
	op := func(name, action string, res func(*http.Request) []string, h s3Handler) Operation {
		return Operation{Name: name, Action: "s3:" + action, Resources: res, Handle: a.handler(h)}
	}
	return []Operation{
		op("ListBuckets", "ListAllMyBuckets", nil, a.listBuckets),
		op("CreateBucket", "CreateBucket", bucket, a.createBucket),
		op("DeleteBucket", "DeleteBucket", bucket, a.deleteBucket),
		op("HeadBucket", "ListBucket", bucket, a.headBucket),
		op("GetBucketLocation", "GetBucketLocation", bucket, a.getBucketLocation),
		op("ListObjectsV2", "ListBucket", bucket, a.listObjectsV2),
		op("ListObjects", "ListBucket", bucket, a.listObjects),
		op("GetObject", "GetObject", object, a.getObject),
		op("HeadObject", "GetObject", object, a.headObject),
		op("PutObject", "PutObject", object, a.putObject),
		{Name: "CopyObject", Action: "s3:PutObject", Resources: object, Also: a.copySourceGrant, Handle: a.handler(a.copyObject)},
		op("DeleteObject", "DeleteObject", object, a.deleteObject),
		op("DeleteObjects", "DeleteObject", a.deleteResources, a.deleteObjects),
		op("CreateMultipartUpload", "PutObject", object, a.createMultipartUpload),
		op("UploadPart", "PutObject", object, a.uploadPart),
		{Name: "UploadPartCopy", Action: "s3:PutObject", Resources: object, Also: a.copySourceGrant, Handle: a.handler(a.uploadPartCopy)},
		op("CompleteMultipartUpload", "PutObject", object, a.completeMultipartUpload),
		op("AbortMultipartUpload", "AbortMultipartUpload", object, a.abortMultipartUpload),
		op("ListParts", "ListMultipartUploadParts", object, a.listParts),
		op("ListMultipartUploads", "ListBucketMultipartUploads", bucket, a.listMultipartUploads),
		op("GetObjectTagging", "GetObjectTagging", object, a.getObjectTagging),
		op("PutObjectTagging", "PutObjectTagging", object, a.putObjectTagging),
		op("DeleteObjectTagging", "DeleteObjectTagging", object, a.deleteObjectTagging),
		op("GetBucketNotificationConfiguration", "GetBucketNotification", bucket, a.getBucketNotification),
		op("PutBucketNotificationConfiguration", "PutBucketNotification", bucket, a.putBucketNotification),
		{Name: "PostObject", Action: "s3:PutObject", Resources: a.postResources, Authenticate: a.authenticatePost, Handle: a.handler(a.postObject)},
	}
}

// handler adapts h: it addresses the request, refuses a key too long
// before the store sees it, sends the ids S3 sends, tells the store who
// calls, and writes the store's errors as S3's.
func (a *s3API) handler(h s3Handler) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id := w.Header().Get(HeaderRequestID)
		hostID := s3HostID(id)
		w.Header().Set(HeaderAmzRequestID, id)
		w.Header().Set(hdrHostID, hostID)
		t := a.target(r)
		in := &s3Call{store: a.store.v, Bucket: t.Bucket, Key: t.Key}
		if err := checkOwner(r); err != nil {
			return err
		}
		if len(t.Key) > s3MaxKeyLen {
			return s3WireError(s3.ErrKeyTooLong.Withf("Your key is too long: %d bytes, the most is %d", len(t.Key), s3MaxKeyLen), "/"+t.Bucket)
		}
		caller, _ := identity.FromContext(r.Context())
		r = r.WithContext(s3.WithCaller(r.Context(), s3event.Caller{
			Principal: s3Principal(caller), SourceIP: sourceIP(r), RequestID: id, HostID: hostID,
		}))
		err := h(w, r, in)
		if err == nil {
			return nil
		}
		return s3WireError(err, t.resource())
	}
}

// checkOwner refuses a request whose x-amz-expected-bucket-owner (or,
// for a copy, x-amz-source-expected-bucket-owner) is not Verge's account,
// as S3 does.
func checkOwner(r *http.Request) error {
	for _, h := range []string{hdrExpectedOwner, hdrSourceExpectedOwner} {
		if v := r.Header.Get(h); v != "" && v != arn.Account {
			return errS3AccessDenied.With("Access Denied")
		}
	}
	return nil
}

// s3WireError is err as S3 answers it: the store's code and status, a
// body that failed its hash or chunk signature as S3 says so, resource
// naming the bucket or object ("/bucket/key").
func s3WireError(err error, resource string) *Error {
	var se *s3.Error
	var we *Error
	switch {
	case errors.As(err, &we):
		return we
	case bodyError(err) != nil:
		return bodyError(err)
	case errors.As(err, &se):
		return &Error{Code: se.Code, Status: se.Status, Message: se.Message, Resource: resource}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errS3IncompleteBody.With("You did not provide the number of bytes specified by the Content-Length HTTP header.")
	}
	return errS3Internal.With(err.Error())
}

// S3's own wire errors (the store's are *s3.Error).
var (
	errS3NotImplemented     = Error{Code: "NotImplemented", Status: http.StatusNotImplemented, Fault: faultSender}
	errS3Internal           = Error{Code: "InternalError", Status: http.StatusInternalServerError, Fault: faultReceiver}
	errS3MalformedXML       = Error{Code: "MalformedXML", Status: http.StatusBadRequest, Fault: faultSender, Message: "The XML you provided was not well-formed or did not validate against our published schema"}
	errS3InvalidRange       = Error{Code: "InvalidRange", Status: http.StatusRequestedRangeNotSatisfiable, Fault: faultSender, Message: "The requested range is not satisfiable"}
	errS3AccessDenied       = Error{Code: "AccessDenied", Status: http.StatusForbidden, Fault: faultSender}
	errS3IllegalLocation    = Error{Code: "IllegalLocationConstraintException", Status: http.StatusBadRequest, Fault: faultSender}
	errS3PreconditionFailed = Error{Code: "PreconditionFailed", Status: http.StatusPreconditionFailed, Fault: faultSender}
	errS3InvalidTag         = Error{Code: "InvalidTag", Status: http.StatusBadRequest, Fault: faultSender}
	errS3BadRequest         = Error{Code: "BadRequest", Status: http.StatusBadRequest, Fault: faultSender}
	errS3InvalidPartNumber  = Error{Code: "InvalidPartNumber", Status: http.StatusRequestedRangeNotSatisfiable, Fault: faultSender}
	errS3MalformedPost      = Error{Code: "MalformedPOSTRequest", Status: http.StatusBadRequest, Fault: faultSender}
	errS3EntityTooLarge     = Error{Code: "EntityTooLarge", Status: http.StatusBadRequest, Fault: faultSender}
	errS3EntityTooSmall     = Error{Code: "EntityTooSmall", Status: http.StatusBadRequest, Fault: faultSender}
	errS3MethodNotAllowed   = Error{Code: "MethodNotAllowed", Status: http.StatusMethodNotAllowed, Fault: faultSender}
	errS3MissingLength      = Error{Code: "MissingContentLength", Status: http.StatusLengthRequired, Fault: faultSender, Message: "You must provide the Content-Length HTTP header."}
)

// malformedXML is S3's MalformedXML.
func malformedXML() *Error { return errS3MalformedXML.With(errS3MalformedXML.Message) }

// s3HostID is the x-amz-id-2 of a request: S3's opaque host id, here
// derived from the request id so the pair is stable in logs.
func s3HostID(requestID string) string {
	sum := sha256.Sum256([]byte(requestID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// s3Principal is the caller as S3's events name it.
func s3Principal(id identity.Identity) string {
	if id.IsAdmin() {
		return "AWS:" + arn.Account
	}
	return "AWS:" + id.Function + "-role:" + id.Function
}

// sourceIP is the host of r's remote address.
func sourceIP(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// backend is the store once open, for the addressing's bucket lookups
// (nil when it cannot open: virtual-host addressing then falls back to
// path-style).
func (a *s3API) backend(ctx context.Context) *s3.Store {
	st, err := a.store.get(ctx)
	if err != nil {
		return nil
	}
	return st
}

// s3Invalid is S3's InvalidArgument with a message.
func s3Invalid(format string, args ...any) *Error {
	return errS3InvalidArgument.Withf(format, args...)
}

// claim takes an unsigned POST form to a bucket: a browser's POST-policy
// upload.
func (a *s3API) claim(r *http.Request) bool {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return false
	}
	t := a.target(r)
	return t.Bucket != "" && t.Key == "" && !strings.Contains(t.Bucket, "/")
}
