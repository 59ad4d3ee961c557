package awsapi

import (
	"net/http"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
)

// listBuckets is ListBuckets: every bucket, the stack's and the API's,
// filtered by prefix; one page, as the buckets are few.
func (a *s3API) listBuckets(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	prefix := r.URL.Query().Get(qPrefix)
	out := listAllMyBucketsResult{NS: s3Namespace, Owner: s3TheOwner, Prefix: prefix, Buckets: []xmlBucket{}}
	for _, b := range in.store.Buckets() {
		if strings.HasPrefix(b.Name, prefix) {
			out.Buckets = append(out.Buckets, xmlBucket{Name: b.Name, CreationDate: s3Time(b.Created), BucketRegion: arn.Region})
		}
	}
	return writeS3XML(w, out)
}
