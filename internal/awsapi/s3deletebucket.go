package awsapi

import "net/http"

// deleteBucket is DeleteBucket: an empty bucket made through the API.
func (a *s3API) deleteBucket(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	if err := in.store.DeleteBucket(r.Context(), in.Bucket); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
