package awsapi

import "net/http"

// listSubscriptionsByTopic serves ListSubscriptionsByTopic, 100 a page.
func (a *snsAPI) listSubscriptionsByTopic(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	subs, next, err := a.svc().ListSubscriptionsByTopic(f.get("TopicArn"), f.get("NextToken"))
	if err != nil {
		return snsErr(err)
	}
	return writeSNS(w, "ListSubscriptionsByTopic", snsSubscriptionList(subs, next))
}
