package awsapi

import "net/http"

// untagResource serves SNS's UntagResource.
func (a *snsAPI) untagResource(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	keys, err := f.list("TagKeys")
	if err != nil {
		return err
	}
	if err := a.svc().Untag(r.Context(), f.get("ResourceArn"), keys); err != nil {
		return snsErr(err)
	}
	return writeSNS(w, "UntagResource", struct{}{})
}
