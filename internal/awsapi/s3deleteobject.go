package awsapi

import "net/http"

// deleteObject is DeleteObject: 204, whether the object was there or not.
func (a *s3API) deleteObject(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	if err := in.store.Delete(r.Context(), in.Bucket, in.Key); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
