package awsapi

import "net/http"

// tagResource serves SNS's TagResource (topics).
func (a *snsAPI) tagResource(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	tags, err := f.tags("Tags")
	if err != nil {
		return err
	}
	if err := a.svc().Tag(r.Context(), f.get("ResourceArn"), tags); err != nil {
		return snsErr(err)
	}
	return writeSNS(w, "TagResource", struct{}{})
}
