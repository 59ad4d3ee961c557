package s3

import (
	"fmt"
	"net/http"
)

// An Error is one of S3's errors: the code and status the wire layer sends.
type Error struct {
	Code    string
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Is matches errors by code, so errors.Is(err, ErrNoSuchKey) holds for any
// message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// With returns a copy of e with message m.
func (e *Error) With(m string) *Error { c := *e; c.Message = m; return &c }

// Withf returns a copy of e with a formatted message.
func (e *Error) Withf(format string, a ...any) *Error { return e.With(fmt.Sprintf(format, a...)) }

// The catalog: S3's codes, statuses and default messages.
var (
	ErrNoSuchBucket            = &Error{"NoSuchBucket", http.StatusNotFound, "The specified bucket does not exist"}
	ErrNoSuchKey               = &Error{"NoSuchKey", http.StatusNotFound, "The specified key does not exist."}
	ErrNoSuchUpload            = &Error{"NoSuchUpload", http.StatusNotFound, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."}
	ErrNoSuchTagSet            = &Error{"NoSuchTagSet", http.StatusNotFound, "The TagSet does not exist"}
	ErrBucketAlreadyOwnedByYou = &Error{"BucketAlreadyOwnedByYou", http.StatusConflict, "Your previous request to create the named bucket succeeded and you already own it."}
	ErrBucketNotEmpty          = &Error{"BucketNotEmpty", http.StatusConflict, "The bucket you tried to delete is not empty"}
	ErrInvalidBucketName       = &Error{"InvalidBucketName", http.StatusBadRequest, "The specified bucket is not valid."}
	ErrKeyTooLong              = &Error{"KeyTooLongError", http.StatusBadRequest, "Your key is too long"}
	ErrBadDigest               = &Error{"BadDigest", http.StatusBadRequest, "The Content-MD5 you specified did not match what we received."}
	ErrInvalidDigest           = &Error{"InvalidDigest", http.StatusBadRequest, "The Content-MD5 you specified is not valid."}
	ErrChecksumMismatch        = &Error{"BadDigest", http.StatusBadRequest, "The checksum you specified did not match what we received."}
	ErrInvalidPart             = &Error{"InvalidPart", http.StatusBadRequest, "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."}
	ErrInvalidPartOrder        = &Error{"InvalidPartOrder", http.StatusBadRequest, "The list of parts was not in ascending order. Parts must be ordered by part number."}
	ErrEntityTooSmall          = &Error{"EntityTooSmall", http.StatusBadRequest, "Your proposed upload is smaller than the minimum allowed object size."}
	ErrEntityTooLarge          = &Error{"EntityTooLarge", http.StatusBadRequest, "Your proposed upload exceeds the maximum allowed object size."}
	ErrIncompleteBody          = &Error{"IncompleteBody", http.StatusBadRequest, "You did not provide the number of bytes specified by the Content-Length HTTP header."}
	ErrPreconditionFailed      = &Error{"PreconditionFailed", http.StatusPreconditionFailed, "At least one of the pre-conditions you specified did not hold"}
	ErrInvalidArgument         = &Error{"InvalidArgument", http.StatusBadRequest, "Invalid Argument"}
	ErrInvalidRequest          = &Error{"InvalidRequest", http.StatusBadRequest, "Invalid Request"}
	ErrInvalidTag              = &Error{"InvalidTag", http.StatusBadRequest, "The tag provided was not a valid tag."}
	ErrMalformedXML            = &Error{"MalformedXML", http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema."}
	// ErrKeyConflict is Verge's own: a key that needs a folder where a
	// file is, or a file where a folder is (docs/aws-api.md, "Keys").
	ErrKeyConflict = &Error{"InvalidArgument", http.StatusConflict, "The key conflicts with another object's path on disk"}
	ErrInternal    = &Error{"InternalError", http.StatusInternalServerError, "We encountered an internal error. Please try again."}
)
