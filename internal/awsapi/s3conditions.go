package awsapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/s3"
)

// Conditional requests and ranges, as S3 evaluates them.

// s3Conditions are a read's (or a copy source's) preconditions.
type s3Conditions struct {
	IfMatch, IfNoneMatch          string
	IfModifiedSince, IfUnmodified string
}

// readConditions are GetObject's and HeadObject's.
func readConditions(h http.Header) s3Conditions {
	return s3Conditions{h.Get(HeaderIfMatch), h.Get(hdrIfNoneMatch), h.Get(hdrIfModifiedSince), h.Get(hdrIfUnmodifiedSince)}
}

// copyConditions are CopyObject's and UploadPartCopy's, on the source.
func copyConditions(h http.Header) s3Conditions {
	return s3Conditions{h.Get(hdrCopyIfMatch), h.Get(hdrCopyIfNoneMatch), h.Get(hdrCopyIfModified), h.Get(hdrCopyIfUnmodified)}
}

// check evaluates c against an object with S3's precedence (RFC 7232's):
// If-Match decides over If-Unmodified-Since, If-None-Match over
// If-Modified-Since. notModified is 304 for a read; a copy answers 412 for
// every failure.
func (c s3Conditions) check(etag string, modified time.Time, forCopy bool) error {
	modified = modified.Truncate(time.Second)
	failed := errS3PreconditionFailed.With("At least one of the pre-conditions you specified did not hold")
	notModified := &Error{Code: "NotModified", Status: http.StatusNotModified}
	if forCopy {
		notModified = failed
	}
	if c.IfMatch != "" {
		if !etagMatches(c.IfMatch, etag) {
			return failed
		}
	} else if t, ok := httpTime(c.IfUnmodified); ok && modified.After(t) {
		return failed
	}
	if c.IfNoneMatch != "" {
		if etagMatches(c.IfNoneMatch, etag) {
			return notModified
		}
	} else if t, ok := httpTime(c.IfModifiedSince); ok && !modified.After(t) {
		return notModified
	}
	return nil
}

// etagMatches says whether a condition's ETag list names etag ("*" any).
func etagMatches(list, etag string) bool {
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(e), "W/"))
		if e == "*" || strings.Trim(e, `"`) == strings.Trim(etag, `"`) {
			return true
		}
	}
	return false
}

// parseRange reads a Range header against an object of size: the first
// and last byte (inclusive). ok is false when there is no range to apply
// (absent, or a syntax S3 ignores: several ranges, another unit); an
// unsatisfiable range is errS3InvalidRange.
func parseRange(h string, size int64) (first, last int64, ok bool, err error) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, nil
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, nil
	}
	if a == "" { // suffix: the last b bytes
		n, perr := strconv.ParseInt(b, 10, 64)
		if perr != nil || n < 0 {
			return 0, 0, false, nil
		}
		if n == 0 || size == 0 {
			return 0, 0, false, rangeError(size)
		}
		return max(size-n, 0), size - 1, true, nil
	}
	first, perr := strconv.ParseInt(a, 10, 64)
	if perr != nil || first < 0 {
		return 0, 0, false, nil
	}
	last = size - 1
	if b != "" {
		l, perr := strconv.ParseInt(b, 10, 64)
		if perr != nil || l < first {
			return 0, 0, false, nil
		}
		last = min(l, size-1)
	}
	if first >= size {
		return 0, 0, false, rangeError(size)
	}
	return first, last, true, nil
}

// rangeError is InvalidRange for an object of size.
func rangeError(size int64) *Error {
	return errS3InvalidRange.Withf("The requested range is not satisfiable (the object's size is %d)", size)
}

// parseCopyRange reads x-amz-copy-source-range: bytes=first-last, both
// required, within an object of size.
func parseCopyRange(h string, size int64) (first, last int64, err error) {
	spec, ok := strings.CutPrefix(h, "bytes=")
	a, b, ok2 := strings.Cut(spec, "-")
	first, e1 := strconv.ParseInt(a, 10, 64)
	last, e2 := strconv.ParseInt(b, 10, 64)
	if !ok || !ok2 || e1 != nil || e2 != nil || first < 0 || last < first {
		return 0, 0, s3Invalid("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
	}
	if last >= size {
		return 0, 0, s3Invalid("Range specified is not valid for source object of size: %d", size)
	}
	return first, last, nil
}

// parseCopySource reads x-amz-copy-source: "bucket/key" or
// "/bucket/key", URL-encoded; a versionId is refused (Verge keeps one
// version of an object).
func parseCopySource(h string) (bucket, key string, err error) {
	src, query, _ := strings.Cut(h, "?")
	if query != "" {
		if v, _ := url.ParseQuery(query); v.Has(qVersionID) && v.Get(qVersionID) != "null" {
			return "", "", s3Invalid("Verge keeps no object versions: x-amz-copy-source may not name a versionId")
		}
	}
	dec, uerr := url.PathUnescape(src)
	if uerr != nil {
		return "", "", s3Invalid("Invalid copy source encoding")
	}
	bucket, key, _ = strings.Cut(strings.TrimPrefix(dec, "/"), "/")
	if bucket == "" || key == "" {
		return "", "", s3Invalid("Invalid copy source object key")
	}
	return bucket, key, nil
}

// copySource is the source of r's copy, checked against its conditions.
func copySource(r *http.Request, in *s3Call) (s3.ObjectInfo, error) {
	b, k, err := parseCopySource(r.Header.Get(hdrCopySource))
	if err != nil {
		return s3.ObjectInfo{}, err
	}
	if len(k) > s3MaxKeyLen {
		return s3.ObjectInfo{}, s3.ErrKeyTooLong
	}
	info, err := in.store.Head(r.Context(), b, k)
	if err != nil {
		return info, err
	}
	return info, copyConditions(r.Header).check(info.ETag, info.LastModified, true)
}
