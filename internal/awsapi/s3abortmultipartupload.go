package awsapi

import "net/http"

// abortMultipartUpload is AbortMultipartUpload: the upload and its parts
// are dropped.
func (a *s3API) abortMultipartUpload(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	if err := in.store.Abort(r.Context(), in.Bucket, in.Key, r.URL.Query().Get(qUploadID)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
