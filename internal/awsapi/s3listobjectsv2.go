package awsapi

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/s3"
)

// listObjectsV2 is ListObjectsV2. The continuation token is the key the
// next page starts after, base64: opaque to the client, stable for us.
func (a *s3API) listObjectsV2(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	q := r.URL.Query()
	max, err := maxKeys(q)
	if err != nil {
		return err
	}
	enc, err := encodingType(q)
	if err != nil {
		return err
	}
	li := &s3.ListInput{Bucket: in.Bucket, Prefix: q.Get(qPrefix), Delimiter: q.Get(qDelimiter), After: q.Get(qStartAfter), MaxKeys: max}
	token := q.Get(qContinuation)
	if q.Has(qContinuation) {
		after, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || token == "" {
			return s3Invalid("The continuation token provided is incorrect")
		}
		li.After = string(after)
	}
	page, err := in.store.List(r.Context(), li)
	if err != nil {
		return err
	}
	owner := q.Get(qFetchOwner) == "true"
	count := len(page.Objects) + len(page.CommonPrefixes)
	out := listBucketResult{NS: s3Namespace, Name: in.Bucket, Prefix: enc(li.Prefix), Delimiter: enc(li.Delimiter),
		StartAfter: enc(q.Get(qStartAfter)), ContinuationToken: token, KeyCount: &count, MaxKeys: max,
		EncodingType: q.Get(qEncodingType), IsTruncated: page.Truncated}
	if page.Truncated {
		out.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(page.Next))
	}
	fillListing(&out, page, enc, owner)
	return writeS3XML(w, out)
}

// fillListing adds a page's objects and common prefixes.
func fillListing(out *listBucketResult, page *s3.ListOutput, enc func(string) string, owner bool) {
	for _, o := range page.Objects {
		x := xmlObject{Key: enc(o.Key), LastModified: s3Time(o.LastModified), ETag: o.ETag, Size: o.Size, StorageClass: "STANDARD"}
		if alg := checksumAlgorithm(o.Checksums); alg != "" {
			x.ChecksumAlgorithm, x.ChecksumType = []string{alg}, o.Checksums.Type
		}
		if owner {
			x.Owner = s3TheOwner
		}
		out.Contents = append(out.Contents, x)
	}
	for _, p := range page.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, xmlPrefix{Prefix: enc(p)})
	}
}

// maxKeys is max-keys: 1,000 by default and at most.
func maxKeys(q url.Values) (int, error) {
	if !q.Has(qMaxKeys) {
		return s3MaxKeys, nil
	}
	n, err := strconv.Atoi(q.Get(qMaxKeys))
	if err != nil || n < 0 {
		return 0, s3Invalid("Provided max-keys not an integer or within integer range")
	}
	return min(n, s3MaxKeys), nil
}

// encodingType is how a listing writes keys: as they are, or URL-encoded
// for encoding-type=url (keys with characters XML 1.0 cannot carry).
func encodingType(q url.Values) (func(string) string, error) {
	switch q.Get(qEncodingType) {
	case "":
		return func(s string) string { return s }, nil
	case encodingURL:
		return s3URLEncode, nil
	}
	return nil, s3Invalid("Invalid Encoding Method specified in Request")
}

// s3URLEncode is S3's encoding-type=url: form encoding ("+" for a space),
// "/" kept.
func s3URLEncode(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "%2F", "/")
}
