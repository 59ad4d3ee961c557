package awsapi

import "net/http"

// deleteTopic serves DeleteTopic.
func (a *snsAPI) deleteTopic(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	if err := a.svc().DeleteTopic(r.Context(), f.get("TopicArn")); err != nil {
		return snsErr(err)
	}
	return writeSNS(w, "DeleteTopic", nil)
}
