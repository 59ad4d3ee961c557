package awsapi

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
)

// listBuckets is ListBuckets: the buckets, the stack's and the API's, by
// name, filtered by prefix; max-buckets a page (all when not given), the
// continuation token the last name of the page, base64.
func (a *s3API) listBuckets(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	q := r.URL.Query()
	prefix, max := q.Get(qPrefix), -1
	if q.Has(qMaxBuckets) {
		n, err := strconv.Atoi(q.Get(qMaxBuckets))
		if err != nil || n < 1 || n > s3MaxBuckets {
			return s3Invalid("max-buckets must be an integer between 1 and %d", s3MaxBuckets)
		}
		max = n
	}
	after := ""
	if q.Has(qContinuation) {
		b, err := base64.RawURLEncoding.DecodeString(q.Get(qContinuation))
		if err != nil {
			return s3Invalid("The continuation token provided is incorrect")
		}
		after = string(b)
	}
	out := listAllMyBucketsResult{NS: s3Namespace, Owner: s3TheOwner, Prefix: prefix, Buckets: []xmlBucket{}}
	for _, b := range in.store.Buckets() {
		if !strings.HasPrefix(b.Name, prefix) || b.Name <= after {
			continue
		}
		if len(out.Buckets) == max {
			out.ContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(out.Buckets[max-1].Name))
			break
		}
		out.Buckets = append(out.Buckets, xmlBucket{Name: b.Name, CreationDate: s3Time(b.Created), BucketRegion: arn.Region})
	}
	return writeS3XML(w, out)
}
