package sns

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/url"
	"slices"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/jsonx"
	"github.com/verge-edge/verge/internal/sqs"
)

// deliver hands p to an sqs or lambda subscription; a failure sends the
// message to the subscription's dead-letter queue, when it has one.
func (s *Service) deliver(ctx context.Context, sub *subscription, p *publication) {
	var err error
	var body string
	var attrs map[string]MessageAttribute
	switch sub.Protocol {
	case ProtocolSQS:
		body, attrs, err = s.sendSQS(ctx, sub, p)
	case ProtocolLambda:
		var payload []byte
		if payload, err = s.lambdaPayload(sub, p); err == nil {
			body = string(payload)
			err = s.invoke(ctx, sub, payload)
		}
	}
	if err != nil {
		s.deadLetter(ctx, sub, p, body, attrs, err)
	}
}

func (s *Service) sendSQS(ctx context.Context, sub *subscription, p *publication) (string, map[string]MessageAttribute, error) {
	in := sqs.SendInput{GroupID: p.groupID, DeduplicationID: p.dedupID}
	var attrs map[string]MessageAttribute
	if sub.raw() {
		in.Body = p.text(ProtocolSQS)
		attrs = p.msg.Attributes
		in.Attributes = sqsAttributes(attrs)
	} else {
		b, err := s.envelope(sub, p, ProtocolSQS)
		if err != nil {
			return "", nil, err
		}
		in.Body = string(b)
	}
	if s.o.Queues == nil {
		return in.Body, attrs, errors.New("no SQS service")
	}
	_, perEntry, err := s.o.Queues.Send(ctx, queueName(sub.Endpoint), []sqs.SendInput{in})
	if err == nil && len(perEntry) > 0 {
		err = perEntry[0]
	}
	return in.Body, attrs, err
}

// sqsAttributes are message attributes as raw delivery copies them to SQS:
// String.Array, which SQS lacks, as String.
func sqsAttributes(attrs map[string]MessageAttribute) map[string]sqs.MessageAttribute {
	if len(attrs) == 0 {
		return nil
	}
	out := make(map[string]sqs.MessageAttribute, len(attrs))
	for k, a := range attrs {
		t := a.DataType
		if t == DataStringArray {
			t = DataString
		}
		out[k] = sqs.MessageAttribute{DataType: t, StringValue: a.StringValue, BinaryValue: a.BinaryValue}
	}
	return out
}

func (s *Service) invoke(ctx context.Context, sub *subscription, payload []byte) error {
	if s.o.Lambda == nil {
		return errors.New("no Lambda service")
	}
	_, err := s.o.Lambda.Enqueue(ctx, functionName(sub.Endpoint), payload)
	return err
}

// deadLetter sends what could not be delivered to the subscription's
// RedrivePolicy queue: the message as the subscription would have got it.
func (s *Service) deadLetter(ctx context.Context, sub *subscription, p *publication, body string, attrs map[string]MessageAttribute, cause error) {
	q := deadLetterQueue(sub.Attributes[attrRedrivePolicy])
	log := s.o.Logger.With("subscription", sub.arn(), "message", p.msg.MessageID, "error", cause)
	if q == "" || s.o.Queues == nil {
		log.Warn("SNS delivery failed; the subscription has no dead-letter queue")
		return
	}
	if body == "" {
		b, err := s.envelope(sub, p, sub.Protocol)
		if err != nil {
			log.Error("SNS delivery failed, and so did building its dead letter", "dlq", q, "dlqError", err)
			return
		}
		body = string(b)
	}
	in := sqs.SendInput{Body: body, Attributes: sqsAttributes(attrs)}
	if p.groupID != "" {
		in.GroupID, in.DeduplicationID = p.groupID, p.dedupID
	}
	_, perEntry, err := s.o.Queues.Send(ctx, q, []sqs.SendInput{in})
	if err == nil && len(perEntry) > 0 {
		err = perEntry[0]
	}
	if err != nil {
		log.Error("SNS delivery failed, and so did sending it to the dead-letter queue", "dlq", q, "dlqError", err)
		return
	}
	log.Info("SNS delivery failed; the message went to the dead-letter queue", "dlq", q)
}

// notification is p's message as sub gets it.
func (s *Service) notification(p *publication, protocol string) *Message {
	m := *p.msg
	m.Message = p.text(protocol)
	return &m
}

// unsubscribeURL is the link that unsubscribes sub.
func (s *Service) unsubscribeURL(sub *subscription) string {
	return s.o.Endpoint + linkPath + "?Action=Unsubscribe&SubscriptionArn=" + url.QueryEscape(sub.arn())
}

// envelope is the JSON document SNS delivers to SQS and HTTP(S)
// subscriptions (and lets fall in dead-letter queues), fields in AWS's
// order. Only UnsubscribeURL differs between subscriptions: the rest is
// built once per message text.
func (s *Service) envelope(sub *subscription, p *publication, protocol string) ([]byte, error) {
	text := p.text(protocol)
	p.mu.Lock()
	parts, ok := p.envelopes[text]
	p.mu.Unlock()
	if !ok {
		var err error
		if parts, err = s.envelopeParts(p, protocol); err != nil {
			return nil, err
		}
		p.mu.Lock()
		if p.envelopes == nil {
			p.envelopes = map[string][2][]byte{}
		}
		p.envelopes[text] = parts
		p.mu.Unlock()
	}
	u := s.unsubscribeURL(sub)
	b := make([]byte, 0, len(parts[0])+len(u)+len(parts[1])+2)
	b = append(b, parts[0]...)
	b = jsonx.AppendString(b, u)
	return append(b, parts[1]...), nil
}

// envelopeParts is an envelope before and after UnsubscribeURL's value.
func (s *Service) envelopeParts(p *publication, protocol string) ([2][]byte, error) {
	m := s.notification(p, protocol)
	sig, err := p.signature(s.signer, m)
	if err != nil {
		return [2][]byte{}, err
	}
	b := make([]byte, 0, 512+len(m.Message))
	field := func(k, v string, first bool) {
		if !first {
			b = append(b, ",\n  "...)
		}
		b = jsonx.AppendString(b, k)
		b = append(b, " : "...)
		b = jsonx.AppendString(b, v)
	}
	b = append(b, "{\n  "...)
	field("Type", m.Type, true)
	field("MessageId", m.MessageID, false)
	if m.SequenceNumber != "" {
		field("SequenceNumber", m.SequenceNumber, false)
	}
	field("TopicArn", m.TopicArn, false)
	if m.Subject != "" {
		field("Subject", m.Subject, false)
	}
	field("Message", m.Message, false)
	field("Timestamp", m.Timestamp, false)
	field("SignatureVersion", p.version, false)
	field("Signature", sig, false)
	field("SigningCertURL", s.SigningCertURL(), false)
	b = append(b, ",\n  \"UnsubscribeURL\" : "...)
	head := b
	var t []byte
	if len(m.Attributes) > 0 {
		t = append(t, ",\n  \"MessageAttributes\" : {"...)
		for i, k := range slices.Sorted(maps.Keys(m.Attributes)) {
			if i > 0 {
				t = append(t, ',')
			}
			a := m.Attributes[k]
			t = append(t, "\n    "...)
			t = jsonx.AppendString(t, k)
			t = append(t, ` : {"Type":`...)
			t = jsonx.AppendString(t, a.DataType)
			t = append(t, `,"Value":`...)
			t = jsonx.AppendString(t, attributeValue(a))
			t = append(t, '}')
		}
		t = append(t, "\n  }"...)
	}
	t = append(t, "\n}"...)
	return [2][]byte{head, t}, nil
}

// attributeValue is an attribute's value as envelopes carry it: Binary in
// base64.
func attributeValue(a MessageAttribute) string {
	if baseType(a.DataType) == DataBinary {
		return encodeBinary(a.BinaryValue)
	}
	return a.StringValue
}

// lambdaEvent is the event SNS invokes a function with.
type lambdaEvent struct {
	Records []lambdaRecord `json:"Records"`
}

type lambdaRecord struct {
	EventSource          string    `json:"EventSource"`
	EventVersion         string    `json:"EventVersion"`
	EventSubscriptionArn string    `json:"EventSubscriptionArn"`
	Sns                  lambdaSNS `json:"Sns"`
}

// lambdaSNS is the envelope as Lambda gets it: SigningCertUrl and
// UnsubscribeUrl, not …URL; Subject null when there is none.
type lambdaSNS struct {
	Type              string                     `json:"Type"`
	MessageID         string                     `json:"MessageId"`
	TopicArn          string                     `json:"TopicArn"`
	Subject           *string                    `json:"Subject"`
	Message           string                     `json:"Message"`
	Timestamp         string                     `json:"Timestamp"`
	SignatureVersion  string                     `json:"SignatureVersion"`
	Signature         string                     `json:"Signature"`
	SigningCertURL    string                     `json:"SigningCertUrl"`
	UnsubscribeURL    string                     `json:"UnsubscribeUrl"`
	MessageAttributes map[string]lambdaAttribute `json:"MessageAttributes"`
}

type lambdaAttribute struct {
	Type  string `json:"Type"`
	Value string `json:"Value"`
}

// lambdaPayload is the Records[].Sns event for sub.
func (s *Service) lambdaPayload(sub *subscription, p *publication) ([]byte, error) {
	m := s.notification(p, ProtocolLambda)
	sig, err := p.signature(s.signer, m)
	if err != nil {
		return nil, err
	}
	e := lambdaSNS{Type: m.Type, MessageID: m.MessageID, TopicArn: m.TopicArn, Message: m.Message, Timestamp: m.Timestamp,
		SignatureVersion: p.version, Signature: sig, SigningCertURL: s.SigningCertURL(), UnsubscribeURL: s.unsubscribeURL(sub),
		MessageAttributes: map[string]lambdaAttribute{}}
	if m.Subject != "" {
		e.Subject = &m.Subject
	}
	for k, a := range m.Attributes {
		e.MessageAttributes[k] = lambdaAttribute{Type: a.DataType, Value: attributeValue(a)}
	}
	return json.Marshal(lambdaEvent{Records: []lambdaRecord{{EventSource: "aws:sns", EventVersion: "1.0", EventSubscriptionArn: sub.arn(), Sns: e}}})
}

// topicArnOf is a subscription's topic ARN.
func topicArnOf(sub *subscription) string { return arn.Topic(sub.Topic) }
