package awsapi

import (
	"net/http"
	"strconv"
)

// listMultipartUploads is ListMultipartUploads: the bucket's uploads in
// progress under prefix, by key then initiation, after key-marker (and
// upload-id-marker), max-uploads at a time.
func (a *s3API) listMultipartUploads(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	q := r.URL.Query()
	max := s3MaxKeys
	if q.Has(qMaxUploads) {
		n, err := strconv.Atoi(q.Get(qMaxUploads))
		if err != nil || n < 0 {
			return s3Invalid("Provided max-uploads not an integer or within integer range")
		}
		max = min(n, s3MaxKeys)
	}
	ups, err := in.store.Uploads(r.Context(), in.Bucket, q.Get(qPrefix))
	if err != nil {
		return err
	}
	keyMarker, idMarker := q.Get(qKeyMarker), q.Get(qUploadIDMarker)
	out := listMultipartUploadsResult{NS: s3Namespace, Bucket: in.Bucket, KeyMarker: keyMarker, UploadIDMarker: idMarker,
		Prefix: q.Get(qPrefix), MaxUploads: max}
	skipping := idMarker != "" // within the marker key's uploads, up to the marker's
	for _, u := range ups {
		switch {
		case u.Key < keyMarker:
			continue
		case u.Key == keyMarker && (idMarker == "" || skipping):
			skipping = skipping && u.UploadID != idMarker
			continue
		}
		if len(out.Uploads) == max {
			out.IsTruncated = true
			break
		}
		out.Uploads = append(out.Uploads, xmlUpload{Key: u.Key, UploadID: u.UploadID, Initiator: s3TheOwner, Owner: s3TheOwner,
			StorageClass: "STANDARD", Initiated: s3Time(u.Initiated), ChecksumAlgorithm: u.Algorithm})
		out.NextKeyMarker, out.NextUploadIDMarker = u.Key, u.UploadID
	}
	return writeS3XML(w, out)
}
