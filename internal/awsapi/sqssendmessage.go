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

// flatFields leaves the attributes to encoding/json.
func (in *sendMessageIn) flatFields() []flatField {
	return []flatField{{name: "QueueUrl", str: &in.QueueURL}, {name: "Id", str: &in.ID}, {name: "MessageBody", str: &in.MessageBody},
		{name: "DelaySeconds", num: &in.DelaySeconds}, {name: "MessageAttributes"}, {name: "MessageSystemAttributes"},
		{name: "MessageDeduplicationId", str: &in.MessageDeduplicationID}, {name: "MessageGroupId", str: &in.MessageGroupID}}
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

// appendJSON is json.Marshal's encoding of o, without reflection: the
// SendMessage response is written on every call.
func (o sentOut) appendJSON(b []byte) []byte {
	b = append(b, '{')
	if o.ID != "" {
		b = append(b, `"Id":`...)
		b = appendJSONString(b, o.ID)
		b = append(b, ',')
	}
	b = append(b, `"MessageId":`...)
	b = appendJSONString(b, o.MessageID)
	b = append(b, `,"MD5OfMessageBody":`...)
	b = appendJSONString(b, o.MD5OfMessageBody)
	for _, f := range [...]struct{ name, v string }{{`,"MD5OfMessageAttributes":`, o.MD5OfMessageAttributes},
		{`,"MD5OfMessageSystemAttributes":`, o.MD5OfMessageSystemAttributes}, {`,"SequenceNumber":`, o.SequenceNumber}} {
		if f.v != "" {
			b = append(b, f.name...)
			b = appendJSONString(b, f.v)
		}
	}
	return append(b, '}')
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
