package awsapi

import "net/http"

// setTopicAttributes serves SetTopicAttributes.
func (a *snsAPI) setTopicAttributes(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	if f.get("AttributeName") == "" {
		return snsInvalid("AttributeName")
	}
	if err := a.svc().SetTopicAttribute(r.Context(), f.get("TopicArn"), f.get("AttributeName"), f.get("AttributeValue")); err != nil {
		return snsErr(err)
	}
	return writeSNS(w, "SetTopicAttributes", nil)
}
