package awsapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/s3"
)

// S3's object headers: what a write stores and a read sends back.

// storedHeaders reads the headers an object keeps from a write.
func storedHeaders(h http.Header) s3.Headers {
	out := s3.Headers{
		ContentType: h.Get("Content-Type"), ContentEncoding: h.Get("Content-Encoding"),
		ContentDisposition: h.Get("Content-Disposition"), ContentLanguage: h.Get("Content-Language"),
		CacheControl: h.Get("Cache-Control"), Expires: h.Get("Expires"),
	}
	out.ContentEncoding = withoutChunked(out.ContentEncoding)
	for name, v := range h {
		if m, ok := strings.CutPrefix(name, hdrMetaPrefix); ok && len(v) > 0 {
			if out.Metadata == nil {
				out.Metadata = map[string]string{}
			}
			out.Metadata[strings.ToLower(m)] = strings.Join(v, ",")
		}
	}
	return out
}

// withoutChunked is a Content-Encoding without aws-chunked, which is the
// transfer's, not the object's.
func withoutChunked(enc string) string {
	var kept []string
	for _, e := range strings.Split(enc, ",") {
		if e = strings.TrimSpace(e); e != "" && !strings.EqualFold(e, "aws-chunked") {
			kept = append(kept, e)
		}
	}
	return strings.Join(kept, ",")
}

// writeObjectHeaders sends what S3 says of an object on GET and HEAD. The
// response-* query parameters override the stored headers.
func writeObjectHeaders(w http.ResponseWriter, r *http.Request, o *s3.ObjectInfo) {
	h := w.Header()
	h.Set(HeaderETag, o.ETag)
	h.Set(hdrLastModified, o.LastModified.UTC().Format(http.TimeFormat))
	h.Set(hdrAcceptRanges, "bytes")
	ct := o.ContentType
	if ct == "" {
		ct = "binary/octet-stream"
	}
	set := func(name, v string) {
		if v != "" {
			h.Set(name, v)
		}
	}
	set("Content-Type", ct)
	set("Content-Encoding", o.ContentEncoding)
	set("Content-Disposition", o.ContentDisposition)
	set("Content-Language", o.ContentLanguage)
	set("Cache-Control", o.CacheControl)
	set("Expires", o.Expires)
	for k, v := range o.Metadata {
		h[strings.ToLower(hdrMetaPrefix)+k] = []string{v} // lower-case, as S3 sends them
	}
	if o.TagCount > 0 {
		h.Set(hdrTaggingCount, strconv.Itoa(o.TagCount))
	}
	if o.Parts > 0 {
		h.Set(hdrPartsCount, strconv.Itoa(o.Parts))
	}
	for p, name := range responseOverrides {
		if v := r.URL.Query().Get(p); v != "" {
			h.Set(name, v)
		}
	}
}

// responseOverrides are GetObject's response-* query parameters and the
// headers they set.
var responseOverrides = map[string]string{
	qResponsePrefix + "content-type":        "Content-Type",
	qResponsePrefix + "content-language":    "Content-Language",
	qResponsePrefix + "expires":             "Expires",
	qResponsePrefix + "cache-control":       "Cache-Control",
	qResponsePrefix + "content-disposition": "Content-Disposition",
	qResponsePrefix + "content-encoding":    "Content-Encoding",
}

// writeChecksums sends an object's or a part's checksums as headers.
func writeChecksums(h http.Header, c s3.Checksums) {
	for alg, v := range checksumValues(c) {
		if v != "" {
			h.Set(hdrChecksumPrefix+alg, v)
		}
	}
	if c.Type != "" && checksumAlgorithm(c) != "" {
		h.Set(hdrChecksumType, c.Type)
	}
}

// checksumValues are c's checksums by algorithm.
func checksumValues(c s3.Checksums) map[string]string {
	return map[string]string{s3.AlgCRC32: c.CRC32, s3.AlgCRC32C: c.CRC32C, s3.AlgCRC64NVME: c.CRC64NVME, s3.AlgSHA1: c.SHA1, s3.AlgSHA256: c.SHA256}
}

// checksumAlgorithm is the algorithm of the checksum c carries, "" for
// none.
func checksumAlgorithm(c s3.Checksums) string {
	for _, alg := range s3Algorithms {
		if checksumValues(c)[alg] != "" {
			return alg
		}
	}
	return ""
}

// s3Algorithms are the checksum algorithms, in S3's order.
var s3Algorithms = []string{s3.AlgCRC32, s3.AlgCRC32C, s3.AlgCRC64NVME, s3.AlgSHA1, s3.AlgSHA256}

// setChecksum sets the checksum of alg in c.
func setChecksum(c *s3.Checksums, alg, v string) {
	switch strings.ToUpper(alg) {
	case s3.AlgCRC32:
		c.CRC32 = v
	case s3.AlgCRC32C:
		c.CRC32C = v
	case s3.AlgCRC64NVME:
		c.CRC64NVME = v
	case s3.AlgSHA1:
		c.SHA1 = v
	case s3.AlgSHA256:
		c.SHA256 = v
	}
}

// checksumOf reads the checksum a write declares: its algorithm (from
// x-amz-sdk-checksum-algorithm, x-amz-checksum-algorithm, an
// x-amz-checksum-* header or the trailer x-amz-trailer announces) and the
// checksums sent in headers. The trailer's arrive once the body is read:
// see trailerBody.
func checksumOf(h http.Header) (alg string, expected *s3.Checksums, err error) {
	alg = strings.ToUpper(h.Get(hdrSDKChecksum))
	if alg == "" {
		alg = strings.ToUpper(h.Get(hdrChecksumAlgorithm))
	}
	expected = &s3.Checksums{}
	for _, a := range s3Algorithms {
		if v := h.Get(hdrChecksumPrefix + a); v != "" {
			if alg != "" && alg != a {
				return "", nil, s3Invalid("Value for %s header is invalid.", hdrSDKChecksum)
			}
			alg = a
			setChecksum(expected, a, v)
		}
	}
	trailer := ""
	if t, ok := strings.CutPrefix(strings.ToLower(h.Get(hdrTrailer)), strings.ToLower(hdrChecksumPrefix)); ok {
		trailer = strings.ToUpper(t)
		if alg == "" {
			alg = trailer
		}
	}
	if alg != "" && !validAlgorithm(alg) {
		return "", nil, s3Invalid("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
	}
	if trailer == alg && alg != "" {
		// The trailer's value replaces this once the body is read; the
		// store computes what Expected names (a part has no algorithm of
		// its own), and a trailer that never comes fails the comparison.
		setChecksum(expected, alg, trailerPending)
	}
	return alg, expected, nil
}

// trailerPending stands for a checksum the trailer announces and has not
// delivered yet: it is no checksum's base64, so it never matches one.
const trailerPending = "(announced in the trailer)"

func validAlgorithm(alg string) bool {
	for _, a := range s3Algorithms {
		if a == alg {
			return true
		}
	}
	return false
}

// parseTagging reads x-amz-tagging (URL query encoded) or a tag set: at
// most 10 tags, keys of 128 characters and values of 256 at most.
func parseTagging(v string) (map[string]string, error) {
	q, err := url.ParseQuery(v)
	if err != nil {
		return nil, errS3InvalidTag.With("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
	}
	tags := map[string]string{}
	for k, vs := range q {
		if len(vs) > 1 {
			return nil, errS3InvalidTag.With("Cannot provide multiple Tags with the same key")
		}
		tags[k] = vs[0]
	}
	return tags, checkTags(tags)
}

// checkTags applies S3's limits on an object's tags.
func checkTags(tags map[string]string) error {
	if len(tags) > 10 {
		return errS3BadRequest.With("Object tags cannot be greater than 10")
	}
	for k, v := range tags {
		if k == "" || len([]rune(k)) > 128 {
			return errS3InvalidTag.With("The TagKey you have provided is invalid")
		}
		if len([]rune(v)) > 256 {
			return errS3InvalidTag.With("The TagValue you have provided is invalid")
		}
	}
	return nil
}

// httpTime reads an HTTP date header; ok is false when absent or
// malformed (S3 ignores a malformed date condition).
func httpTime(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, false
	}
	t, err := http.ParseTime(v)
	return t, err == nil
}
