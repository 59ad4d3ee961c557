package awsapi

import (
	"encoding/xml"
	"errors"
	"io"
	"net/http"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/s3"
)

// createBucket is CreateBucket: a bucket under the data folder. A
// LocationConstraint other than this region's is refused, as S3 refuses a
// constraint that does not match the endpoint's region. Creating a bucket
// that exists is 200, as S3 answers in us-east-1 ("for legacy
// compatibility"; BucketAlreadyOwnedByYou in the other regions).
func (a *s3API) createBucket(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, s3MaxXML))
	if err != nil {
		return err
	}
	if len(body) > 0 {
		var c createBucketConfiguration
		if xml.Unmarshal(body, &c) != nil {
			return malformedXML()
		}
		if c.LocationConstraint != "" && c.LocationConstraint != arn.Region {
			return errS3IllegalLocation.Withf("The %s location constraint is incompatible for the region specific endpoint this request was sent to (%s).", c.LocationConstraint, arn.Region)
		}
	}
	if err := in.store.CreateBucket(r.Context(), in.Bucket); err != nil && !errors.Is(err, s3.ErrBucketAlreadyOwnedByYou) {
		return err
	}
	w.Header().Set("Location", "/"+in.Bucket)
	w.WriteHeader(http.StatusOK)
	return nil
}
