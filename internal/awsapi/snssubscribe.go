package awsapi

import (
	"net/http"
	"strings"
)

// subscribe serves Subscribe.
func (a *snsAPI) subscribe(w http.ResponseWriter, r *http.Request) error {
	f, attrs, err := paramsAttrs(r)
	if err != nil {
		return err
	}
	if f.get("Protocol") == "" {
		return snsInvalid("Protocol")
	}
	returnArn := strings.EqualFold(f.get("ReturnSubscriptionArn"), "true")
	subArn, err := a.svc().Subscribe(r.Context(), f.get("TopicArn"), f.get("Protocol"), f.get("Endpoint"), attrs, returnArn)
	if err != nil {
		return snsErr(err)
	}
	return writeSNS(w, "Subscribe", snsSubscriptionArn{subArn})
}

type snsSubscriptionArn struct {
	SubscriptionArn string `xml:"SubscriptionArn"`
}
