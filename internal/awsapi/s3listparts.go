package awsapi

import (
	"net/http"
	"strconv"
)

// listParts is ListParts: a page of an upload's parts after
// part-number-marker (max-parts, 1,000 by default and at most).
func (a *s3API) listParts(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	q := r.URL.Query()
	max, marker := s3MaxKeys, 0
	if q.Has(qMaxParts) {
		n, err := strconv.Atoi(q.Get(qMaxParts))
		if err != nil || n < 0 {
			return s3Invalid("Provided max-parts not an integer or within integer range")
		}
		max = min(n, s3MaxKeys)
	}
	if q.Has(qPartMarker) {
		n, err := strconv.Atoi(q.Get(qPartMarker))
		if err != nil || n < 0 {
			return s3Invalid("Provided part-number-marker not an integer or within integer range")
		}
		marker = n
	}
	uploadID := q.Get(qUploadID)
	parts, truncated, err := in.store.Parts(r.Context(), in.Bucket, in.Key, uploadID, marker, max)
	if err != nil {
		return err
	}
	out := listPartsResult{NS: s3Namespace, Bucket: in.Bucket, Key: in.Key, UploadID: uploadID, PartNumberMarker: marker,
		MaxParts: max, IsTruncated: truncated, Initiator: s3TheOwner, Owner: s3TheOwner, StorageClass: "STANDARD"}
	for _, p := range parts {
		out.Parts = append(out.Parts, xmlPart{PartNumber: p.Number, LastModified: s3Time(p.LastModified), ETag: p.ETag, Size: p.Size, xmlChecksums: xmlSums(p.Checksums)})
		out.NextPartNumberMarker = p.Number
	}
	return writeS3XML(w, out)
}
