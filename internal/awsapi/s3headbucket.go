package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/arn"
)

// headBucket is HeadBucket: 200 with the bucket's region, or the error's
// status alone (a HEAD has no body).
func (a *s3API) headBucket(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	if _, err := in.store.Bucket(in.Bucket); err != nil {
		return err
	}
	w.Header().Set(hdrBucketRegion, arn.Region)
	w.WriteHeader(http.StatusOK)
	return nil
}
