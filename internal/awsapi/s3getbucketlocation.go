package awsapi

import "net/http"

// getBucketLocation is GetBucketLocation: an empty LocationConstraint, as
// S3 answers for us-east-1, Verge's one region.
func (a *s3API) getBucketLocation(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	if _, err := in.store.Bucket(in.Bucket); err != nil {
		return err
	}
	return writeS3XML(w, locationConstraint{NS: s3Namespace})
}
