package awsapi

import "net/http"

// setSubscriptionAttributes serves SetSubscriptionAttributes
// (FilterPolicy, FilterPolicyScope, RawMessageDelivery, RedrivePolicy,
// DeliveryPolicy, …).
func (a *snsAPI) setSubscriptionAttributes(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	if f.get("AttributeName") == "" {
		return snsInvalid("AttributeName")
	}
	if err := a.svc().SetSubscriptionAttribute(r.Context(), f.get("SubscriptionArn"), f.get("AttributeName"), f.get("AttributeValue")); err != nil {
		return snsErr(err)
	}
	return writeSNS(w, "SetSubscriptionAttributes", nil)
}
