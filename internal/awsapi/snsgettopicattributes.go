package awsapi

import "net/http"

// getTopicAttributes serves GetTopicAttributes.
func (a *snsAPI) getTopicAttributes(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	attrs, err := a.svc().TopicAttributes(f.get("TopicArn"))
	if err != nil {
		return snsErr(err)
	}
	return writeSNS(w, "GetTopicAttributes", snsAttributeMap{snsAttributes(attrs)})
}

type snsAttributeMap struct {
	Attributes snsAttributes `xml:"Attributes"`
}
