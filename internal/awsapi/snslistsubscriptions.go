package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/sns"
)

// listSubscriptions serves ListSubscriptions, 100 a page.
func (a *snsAPI) listSubscriptions(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	subs, next, err := a.svc().ListSubscriptions(f.get("NextToken"))
	if err != nil {
		return snsErr(err)
	}
	return writeSNS(w, "ListSubscriptions", snsSubscriptionList(subs, next))
}

type snsSubscription struct {
	SubscriptionArn string `xml:"SubscriptionArn"`
	Owner           string `xml:"Owner"`
	Protocol        string `xml:"Protocol"`
	Endpoint        string `xml:"Endpoint"`
	TopicArn        string `xml:"TopicArn"`
}

type snsSubscriptions struct {
	Subscriptions []snsSubscription `xml:"Subscriptions>member"`
	NextToken     string            `xml:"NextToken,omitempty"`
}

func snsSubscriptionList(subs []sns.SubscriptionInfo, next string) snsSubscriptions {
	out := snsSubscriptions{NextToken: next}
	for _, s := range subs {
		out.Subscriptions = append(out.Subscriptions, snsSubscription(s))
	}
	return out
}
