package awsapi

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/verge-edge/verge/internal/s3"
)

// uploadPart is UploadPart: one part streamed to the store.
func (a *s3API) uploadPart(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	n, err := partNumber(r.URL.Query())
	if err != nil {
		return err
	}
	if r.ContentLength < 0 {
		return errS3MissingLength.With(errS3MissingLength.Message)
	}
	_, expected, err := checksumOf(r.Header)
	if err != nil {
		return err
	}
	pi := &s3.PartInput{Bucket: in.Bucket, Key: in.Key, UploadID: r.URL.Query().Get(qUploadID), Number: n,
		Body: trailerBody(r, expected), Size: r.ContentLength, ContentMD5: r.Header.Get(hdrContentMD5), Expected: expected}
	part, err := in.store.UploadPart(r.Context(), pi)
	if err != nil {
		return err
	}
	w.Header().Set(HeaderETag, part.ETag)
	writeChecksums(w.Header(), part.Checksums)
	w.WriteHeader(http.StatusOK)
	return nil
}

// partNumber reads partNumber: 1 to 10,000.
func partNumber(q url.Values) (int, error) {
	n, err := strconv.Atoi(q.Get(qPartNumber))
	if err != nil || n < 1 || n > s3MaxPartNumber {
		return 0, s3Invalid("Part number must be an integer between 1 and 10000, inclusive")
	}
	return n, nil
}
