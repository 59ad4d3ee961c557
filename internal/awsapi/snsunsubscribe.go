package awsapi

import "net/http"

// unsubscribe serves Unsubscribe.
func (a *snsAPI) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	if err := a.svc().Unsubscribe(r.Context(), f.get("SubscriptionArn")); err != nil {
		return snsErr(err)
	}
	return writeSNS(w, "Unsubscribe", nil)
}
