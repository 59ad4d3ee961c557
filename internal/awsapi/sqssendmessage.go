package awsapi

import (
	"net/http"
	"net/url"

	"github.com/verge-edge/verge/internal/sqs"
)

// sendEntry is a message to send: SendMessage's input, or an entry of
// SendMessageBatch's.
type sendEntry struct {
	ID                      string `json:"Id"`
	MessageBody             string
	DelaySeconds            *int
	MessageAttributes       map[string]wireAttr
	MessageSystemAttributes map[string]wireAttr
	MessageDeduplicationID  string `json:"MessageDeduplicationId"`
	MessageGroupID          string `json:"MessageGroupId"`
}

func (e *sendEntry) fromForm(f url.Values) {
	e.ID, e.MessageBody = f.Get("Id"), f.Get("MessageBody")
	e.DelaySeconds = formInt(f, "DelaySeconds")
	e.MessageAttributes = formAttrs(f, "MessageAttribute")
	e.MessageSystemAttributes = formAttrs(f, "MessageSystemAttribute")
	e.MessageDeduplicationID, e.MessageGroupID = f.Get("MessageDeduplicationId"), f.Get("MessageGroupId")
}

func (e *sendEntry) input() sqs.SendInput {
	return sqs.SendInput{ID: e.ID, Body: e.MessageBody, DelaySeconds: e.DelaySeconds, Attributes: attrsIn(e.MessageAttributes),
		SystemAttributes: attrsIn(e.MessageSystemAttributes), GroupID: e.MessageGroupID, DeduplicationID: e.MessageDeduplicationID}
}

type sendMessageIn struct {
	QueueURL string `json:"QueueUrl"`
	sendEntry
}

func (in *sendMessageIn) fromForm(f url.Values) {
	in.QueueURL = f.Get("QueueUrl")
	in.sendEntry.fromForm(f)
}
func (in *sendMessageIn) setURL(u string) { in.QueueURL = u }

// sentOut is a sent message.
type sentOut struct {
	ID                           string `json:"Id,omitempty" xml:"Id,omitempty"`
	MessageID                    string `json:"MessageId" xml:"MessageId"`
	MD5OfMessageBody             string `json:"MD5OfMessageBody" xml:"MD5OfMessageBody"`
	MD5OfMessageAttributes       string `json:"MD5OfMessageAttributes,omitempty" xml:"MD5OfMessageAttributes,omitempty"`
	MD5OfMessageSystemAttributes string `json:"MD5OfMessageSystemAttributes,omitempty" xml:"MD5OfMessageSystemAttributes,omitempty"`
	SequenceNumber               string `json:"SequenceNumber,omitempty" xml:"SequenceNumber,omitempty"`
}

func sent(r sqs.SendResult) sentOut {
	return sentOut{ID: r.ID, MessageID: r.MessageID, MD5OfMessageBody: r.MD5OfMessageBody, MD5OfMessageAttributes: r.MD5OfMessageAttributes,
		MD5OfMessageSystemAttributes: r.MD5OfSystemAttributes, SequenceNumber: r.SequenceNumber}
}

// sendMessage serves SendMessage.
func (a *sqsAPI) sendMessage(w http.ResponseWriter, r *http.Request) error {
	var in sendMessageIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	name, err := a.queue(in.QueueURL)
	if err != nil {
		return err
	}
	in.ID = ""
	res, errs, err := a.q().Send(r.Context(), name, []sqs.SendInput{in.input()})
	if err != nil {
		return err
	}
	if errs[0] != nil {
		return errs[0]
	}
	return a.write(w, r, "SendMessage", sent(res[0]))
}
