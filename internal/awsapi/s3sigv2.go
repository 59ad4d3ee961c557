package awsapi

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/identity"
)

// S3's query-string authentication of Signature Version 2: the presigned
// URLs (AWSAccessKeyId, Expires, Signature) that the AWS CLI v1's
// `aws s3 presign` and older SDKs make. S3 still accepts them; Verge
// accepts them for reading and writing objects as S3 does.

// Query parameters of a version 2 presigned URL.
const (
	v2AccessKey = "AWSAccessKeyId"
	v2Expires   = "Expires"
	v2Signature = "Signature"
	v2Token     = "x-amz-security-token"
)

// v2SubResources are the query parameters that the string to sign
// includes, as S3 lists them.
var v2SubResources = []string{"acl", "cors", "delete", "lifecycle", "location", "logging", "notification", "partNumber",
	"policy", "requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
	"response-content-language", "response-content-type", "response-expires", "restore", "tagging", "torrent",
	"uploadId", "uploads", "versionId", "versioning", "versions", "website"}

// isPresignedV2 says whether r carries a version 2 query signature.
func isPresignedV2(r *http.Request) bool {
	q := r.URL.Query()
	return q.Has(v2AccessKey) && q.Has(v2Signature) && q.Has(v2Expires)
}

// authenticateV2 checks a version 2 presigned URL: not expired, a known
// key, and the HMAC-SHA1 of the string to sign under its secret.
func (a *s3API) authenticateV2(r *http.Request, ids *identity.Store, now time.Time) (identity.Identity, *Error) {
	q := r.URL.Query()
	expires, err := strconv.ParseInt(q.Get(v2Expires), 10, 64)
	if err != nil {
		return identity.Identity{}, ErrAccessDenied.With("Invalid date (should be seconds since epoch): " + q.Get(v2Expires))
	}
	if now.Unix() > expires {
		return identity.Identity{}, ErrAccessDenied.With("Request has expired")
	}
	if ids == nil {
		return identity.Identity{}, ErrUnrecognizedClient.With(msgBadToken)
	}
	id, secret, token, err := ids.Lookup(q.Get(v2AccessKey))
	if err != nil {
		return id, ErrUnrecognizedClient.With(err.Error())
	}
	if token != "" && subtle.ConstantTimeCompare([]byte(q.Get(v2Token)), []byte(token)) != 1 {
		return id, ErrUnrecognizedClient.With(msgBadToken)
	}
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(a.stringToSignV2(r, q.Get(v2Expires))))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if subtle.ConstantTimeCompare([]byte(want), []byte(q.Get(v2Signature))) != 1 {
		return id, ErrInvalidSignature.With("The request signature we calculated does not match the signature you provided. Check your key and signing method.")
	}
	return id, nil
}

// stringToSignV2 is S3's version 2 string to sign for a presigned URL.
func (a *s3API) stringToSignV2(r *http.Request, expires string) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n" + expires + "\n")
	var amz []string
	for name, vs := range r.Header {
		if n := strings.ToLower(name); strings.HasPrefix(n, "x-amz-") {
			amz = append(amz, n+":"+strings.Join(vs, ","))
		}
	}
	slices.Sort(amz)
	for _, h := range amz {
		b.WriteString(h + "\n")
	}
	b.WriteString(a.resourceV2(r))
	return b.String()
}

// resourceV2 is the canonical resource: /BUCKET/KEY as the path sends it
// (for a virtual-host request too), then the sub-resources in order.
func (a *s3API) resourceV2(r *http.Request) string {
	res := r.URL.EscapedPath()
	if t := a.target(r); t.Virtual {
		res = "/" + t.Bucket + res
	}
	q := r.URL.Query()
	sep := "?"
	for _, k := range v2SubResources { // sorted
		if !q.Has(k) {
			continue
		}
		res += sep + k
		if v := q.Get(k); v != "" {
			res += "=" + v
		}
		sep = "&"
	}
	return res
}
