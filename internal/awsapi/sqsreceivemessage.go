package awsapi

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/sqs"
)

type receiveIn struct {
	QueueURL                    string `json:"QueueUrl"`
	AttributeNames              []string
	MessageSystemAttributeNames []string
	MessageAttributeNames       []string
	MaxNumberOfMessages         *int
	VisibilityTimeout           *int
	WaitTimeSeconds             *int
	ReceiveRequestAttemptID     string `json:"ReceiveRequestAttemptId"`
}

func (in *receiveIn) fromForm(f url.Values) {
	in.QueueURL = f.Get("QueueUrl")
	in.AttributeNames = queryList(f, "AttributeName")
	in.MessageSystemAttributeNames = queryList(f, "MessageSystemAttributeName")
	in.MessageAttributeNames = queryList(f, "MessageAttributeName")
	in.MaxNumberOfMessages = formInt(f, "MaxNumberOfMessages")
	in.VisibilityTimeout = formInt(f, "VisibilityTimeout")
	in.WaitTimeSeconds = formInt(f, "WaitTimeSeconds")
	in.ReceiveRequestAttemptID = f.Get("ReceiveRequestAttemptId")
}
func (in *receiveIn) setURL(u string) { in.QueueURL = u }

type messageOut struct {
	MessageID              string          `json:"MessageId" xml:"MessageId"`
	ReceiptHandle          string          `json:"ReceiptHandle" xml:"ReceiptHandle"`
	MD5OfBody              string          `json:"MD5OfBody" xml:"MD5OfBody"`
	Body                   string          `json:"Body" xml:"Body"`
	Attributes             xmlAttrs        `json:"Attributes,omitempty" xml:"Attribute"`
	MD5OfMessageAttributes string          `json:"MD5OfMessageAttributes,omitempty" xml:"MD5OfMessageAttributes,omitempty"`
	MessageAttributes      xmlMessageAttrs `json:"MessageAttributes,omitempty" xml:"MessageAttribute"`
}

type receiveOut struct {
	Messages []messageOut `json:"Messages,omitempty" xml:"Message"`
}

// receiveMessage serves ReceiveMessage, long polling included.
func (a *sqsAPI) receiveMessage(w http.ResponseWriter, r *http.Request) error {
	var in receiveIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	name, err := a.queue(in.QueueURL)
	if err != nil {
		return err
	}
	ri := sqs.ReceiveInput{VisibilityTimeout: in.VisibilityTimeout, AttemptID: in.ReceiveRequestAttemptID}
	if in.MaxNumberOfMessages != nil {
		ri.MaxMessages = *in.MaxNumberOfMessages
		if ri.MaxMessages == 0 {
			ri.MaxMessages = -1 // explicitly 0: out of range
		}
	}
	if in.WaitTimeSeconds != nil {
		d := time.Duration(*in.WaitTimeSeconds) * time.Second
		ri.WaitTime = &d
	}
	msgs, err := a.q().Receive(r.Context(), name, ri)
	if err != nil {
		return err
	}
	sys := append(slices.Clone(in.AttributeNames), in.MessageSystemAttributeNames...)
	out := receiveOut{}
	for _, m := range msgs {
		o := messageOut{MessageID: m.MessageID, ReceiptHandle: m.ReceiptHandle, MD5OfBody: m.MD5OfBody, Body: m.Body}
		for k, v := range m.Attributes {
			if slices.Contains(sys, "All") || slices.Contains(sys, k) {
				if o.Attributes == nil {
					o.Attributes = xmlAttrs{}
				}
				o.Attributes[k] = v
			}
		}
		picked := map[string]sqs.MessageAttribute{}
		for k, v := range m.MessageAttributes {
			if wantAttr(in.MessageAttributeNames, k) {
				picked[k] = v
				if o.MessageAttributes == nil {
					o.MessageAttributes = xmlMessageAttrs{}
				}
				o.MessageAttributes[k] = wireAttr{DataType: v.DataType, StringValue: v.StringValue, BinaryValue: v.BinaryValue}
			}
		}
		// The MD5 covers the attributes returned, as the SDKs check it.
		o.MD5OfMessageAttributes = sqs.MD5OfAttributes(picked)
		out.Messages = append(out.Messages, o)
	}
	return a.write(w, r, "ReceiveMessage", out)
}

// wantAttr says whether a message attribute was asked for: "All", ".*",
// "prefix.*" or its name.
func wantAttr(names []string, name string) bool {
	for _, n := range names {
		if n == "All" || n == ".*" || n == name {
			return true
		}
		if p, ok := strings.CutSuffix(n, ".*"); ok && strings.HasPrefix(name, p+".") {
			return true
		}
	}
	return false
}
