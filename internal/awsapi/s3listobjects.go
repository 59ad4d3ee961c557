package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/s3"
)

// listObjects is ListObjects (v1): marker pagination; NextMarker only with
// a delimiter, as S3 sends it (without one the client continues from the
// last key).
func (a *s3API) listObjects(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	q := r.URL.Query()
	max, err := maxKeys(q)
	if err != nil {
		return err
	}
	enc, err := encodingType(q)
	if err != nil {
		return err
	}
	marker := q.Get(qMarker)
	li := &s3.ListInput{Bucket: in.Bucket, Prefix: q.Get(qPrefix), Delimiter: q.Get(qDelimiter), After: marker, MaxKeys: max}
	page, err := in.store.List(r.Context(), li)
	if err != nil {
		return err
	}
	m := enc(marker)
	out := listBucketResult{NS: s3Namespace, Name: in.Bucket, Prefix: enc(li.Prefix), Delimiter: enc(li.Delimiter),
		Marker: &m, MaxKeys: max, EncodingType: q.Get(qEncodingType), IsTruncated: page.Truncated}
	if page.Truncated && li.Delimiter != "" {
		out.NextMarker = enc(page.Next)
	}
	fillListing(&out, page, enc, true)
	return writeS3XML(w, out)
}
