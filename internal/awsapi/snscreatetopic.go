package awsapi

import "net/http"

// createTopic serves CreateTopic (idempotent for equal attributes).
func (a *snsAPI) createTopic(w http.ResponseWriter, r *http.Request) error {
	f, attrs, err := paramsAttrs(r)
	if err != nil {
		return err
	}
	tags, err := f.tags("Tags")
	if err != nil {
		return err
	}
	if p := f.get("DataProtectionPolicy"); p != "" {
		if attrs == nil {
			attrs = map[string]string{}
		}
		attrs["DataProtectionPolicy"] = p
	}
	if f.get("Name") == "" {
		return snsInvalid("Topic Name")
	}
	topicArn, err := a.svc().CreateTopic(r.Context(), f.get("Name"), attrs, tags)
	if err != nil {
		return snsErr(err)
	}
	return writeSNS(w, "CreateTopic", struct {
		TopicArn string `xml:"TopicArn"`
	}{topicArn})
}
