package awsapi

import "net/http"

// deleteObjectTagging is DeleteObjectTagging: 204, the object untagged.
func (a *s3API) deleteObjectTagging(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	if err := in.store.SetTags(r.Context(), in.Bucket, in.Key, nil); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
