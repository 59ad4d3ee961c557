package awsapi

import (
	"net/http"
	"strings"
)

// confirmSubscription serves ConfirmSubscription.
func (a *snsAPI) confirmSubscription(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	auth := strings.EqualFold(f.get("AuthenticateOnUnsubscribe"), "true")
	subArn, err := a.svc().ConfirmSubscription(r.Context(), f.get("TopicArn"), f.get("Token"), auth)
	if err != nil {
		return snsErr(err)
	}
	return writeSNS(w, "ConfirmSubscription", snsSubscriptionArn{subArn})
}
