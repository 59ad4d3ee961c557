package awsapi

import "net/http"

// uploadPartCopy is UploadPartCopy: a part from an object, or a byte
// range of it (x-amz-copy-source-range), after the source's conditions.
func (a *s3API) uploadPartCopy(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	n, err := partNumber(r.URL.Query())
	if err != nil {
		return err
	}
	src, err := copySource(r, in)
	if err != nil {
		return err
	}
	first, last := int64(0), int64(-1)
	if h := r.Header.Get(hdrCopySourceRange); h != "" {
		if first, last, err = parseCopyRange(h, src.Size); err != nil {
			return err
		}
	}
	part, err := in.store.UploadPartCopy(r.Context(), in.Bucket, in.Key, r.URL.Query().Get(qUploadID), n, src.Bucket, src.Key, first, last)
	if err != nil {
		return err
	}
	return writeS3XML(w, copyPartResult{NS: s3Namespace, LastModified: s3Time(part.LastModified), ETag: part.ETag, xmlChecksums: xmlSums(part.Checksums)})
}
