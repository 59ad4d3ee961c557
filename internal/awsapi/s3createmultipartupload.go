package awsapi

import "net/http"

// createMultipartUpload is CreateMultipartUpload: the object's headers,
// tags and checksum algorithm are kept for Complete.
func (a *s3API) createMultipartUpload(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	pi, err := putInput(r, in)
	if err != nil {
		return err
	}
	pi.Body, pi.Size = nil, -1
	u, err := in.store.CreateUpload(r.Context(), pi)
	if err != nil {
		return err
	}
	if u.Algorithm != "" {
		w.Header().Set(hdrChecksumAlgorithm, u.Algorithm)
		w.Header().Set(hdrChecksumType, "COMPOSITE")
	}
	return writeS3XML(w, initiateMultipartUploadResult{NS: s3Namespace, Bucket: in.Bucket, Key: in.Key, UploadID: u.UploadID})
}
