package awsapi

import "net/http"

// getSubscriptionAttributes serves GetSubscriptionAttributes.
func (a *snsAPI) getSubscriptionAttributes(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	attrs, err := a.svc().SubscriptionAttributes(f.get("SubscriptionArn"))
	if err != nil {
		return snsErr(err)
	}
	return writeSNS(w, "GetSubscriptionAttributes", snsAttributeMap{snsAttributes(attrs)})
}
