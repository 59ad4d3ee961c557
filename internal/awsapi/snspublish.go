package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/sns"
)

// publish serves Publish: to a topic (TopicArn, or TargetArn naming one);
// SMS (PhoneNumber) and mobile push endpoints are not served.
func (a *snsAPI) publish(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	topicArn := f.get("TopicArn")
	if topicArn == "" {
		topicArn = f.get("TargetArn")
	}
	switch {
	case f.get("PhoneNumber") != "":
		return errSNSInvalidParameter.With("Invalid parameter: PhoneNumber Reason: Verge does not send SMS; publish to a topic")
	case topicArn == "":
		return errSNSInvalidParameter.With("Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
	case sns.TopicName(topicArn) == "":
		return errSNSInvalidParameter.With("Invalid parameter: TopicArn")
	}
	in, err := f.publishInput()
	if err != nil {
		return err
	}
	in.ID = ""
	res, err := a.svc().Publish(r.Context(), topicArn, in)
	if err != nil {
		return snsErr(err)
	}
	return writeSNS(w, "Publish", struct {
		MessageID      string `xml:"MessageId"`
		SequenceNumber string `xml:"SequenceNumber,omitempty"`
	}{res.MessageID, res.SequenceNumber})
}
