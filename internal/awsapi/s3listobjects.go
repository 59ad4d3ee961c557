package awsapi

import "net/http"

// listObjects is ListObjects (v1): marker pagination; NextMarker only with
// a delimiter, as S3 sends it (without one the client continues from the
// last key).
func (a *s3API) listObjects(w http.ResponseWriter, r *http.Request, in *s3Call) error {
	q := r.URL.Query()
	li, enc, err := listInput(q, in.Bucket)
	if err != nil {
		return err
	}
	li.After = q.Get(qMarker)
	page, err := in.store.List(r.Context(), li)
	if err != nil {
		return err
	}
	out := listResult(q, li, page, enc)
	m := enc(li.After)
	out.Marker = &m
	if page.Truncated && li.Delimiter != "" {
		out.NextMarker = enc(page.Next)
	}
	fillListing(&out, page, enc, true)
	return writeS3XML(w, out)
}
