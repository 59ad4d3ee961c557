package sns

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"
	"github.com/verge-edge/verge/internal/jsonx"
)

// deliverHTTP posts p to an http(s) subscription, retrying as the
// default delivery policy does; a message that cannot be delivered goes to
// the dead-letter queue. It runs in the background.
func (s *Service) deliverHTTP(sub *subscription, p *publication) {
	var body []byte
	var attrs map[string]MessageAttribute
	if sub.raw() {
		body, attrs = []byte(p.text(sub.Protocol)), p.msg.Attributes
	} else {
		b, err := s.envelope(sub, p, sub.Protocol)
		if err != nil {
			s.o.Logger.Error("SNS delivery: signing failed", "error", err)
			return
		}
		body = b
	}
	h := http.Header{}
	h.Set(HeaderMessageType, TypeNotification)
	h.Set(HeaderMessageID, p.msg.MessageID)
	h.Set(HeaderTopicArn, p.msg.TopicArn)
	h.Set(HeaderSubscriptionArn, sub.arn())
	if sub.raw() {
		h.Set("X-Amz-Sns-Rawdelivery", "true")
	}
	if err := s.post(sub.Endpoint, h, body); err != nil {
		if s.ctx.Err() != nil {
			return // closing: not the endpoint's fault
		}
		s.deadLetter(s.ctx, sub, p, string(body), attrs, err)
	}
}

// post sends body to endpoint: three immediate retries, then three more
// with a doubling delay (AWS's default policy, simplified). A 2xx answer
// is a delivery.
func (s *Service) post(endpoint string, h http.Header, body []byte) error {
	delay := s.o.RetryDelay
	var err error
	for attempt := 0; attempt <= httpImmediateRetries+httpBackoffRetries; attempt++ {
		if attempt > httpImmediateRetries {
			select {
			case <-s.ctx.Done():
				return s.ctx.Err()
			case <-time.After(delay):
			}
			delay = min(2*delay, httpMaxDelay)
		}
		if err = s.postOnce(endpoint, h, body); err == nil || s.ctx.Err() != nil {
			return err
		}
	}
	return err
}

func (s *Service) postOnce(endpoint string, h http.Header, body []byte) error {
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = h.Clone()
	req.Header.Set("Content-Type", "text/plain; charset=UTF-8")
	req.Header.Set("User-Agent", "Amazon Simple Notification Service Agent")
	resp, err := s.o.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("the endpoint answered %s", resp.Status)
	}
	return nil
}

// confirmLater posts a SubscriptionConfirmation to a new http(s)
// subscription in the background. Callers may hold s.mu.
func (s *Service) confirmLater(sub *subscription, version string) {
	topicArn := topicArnOf(sub)
	m := &Message{Type: TypeSubscriptionConfirmation, MessageID: uuid.NewString(), TopicArn: topicArn, Token: sub.Token,
		Timestamp:    s.o.Now().UTC().Format(timeLayout),
		Message:      "You have chosen to subscribe to the topic " + topicArn + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.",
		SubscribeURL: s.o.Endpoint + linkPath + "?Action=ConfirmSubscription&TopicArn=" + url.QueryEscape(topicArn) + "&Token=" + sub.Token}
	s.confirmation(sub, version, m)
}

// unsubscribedLater posts an UnsubscribeConfirmation in the background.
func (s *Service) unsubscribedLater(sub *subscription, version string) {
	topicArn := topicArnOf(sub)
	m := &Message{Type: TypeUnsubscribeConfirmation, MessageID: uuid.NewString(), TopicArn: topicArn, Token: sub.Token,
		Timestamp:    s.o.Now().UTC().Format(timeLayout),
		Message:      "You have chosen to deactivate subscription " + sub.arn() + ".\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.",
		SubscribeURL: s.o.Endpoint + linkPath + "?Action=ConfirmSubscription&TopicArn=" + url.QueryEscape(topicArn) + "&Token=" + sub.Token}
	s.confirmation(sub, version, m)
}

// confirmation posts m to sub's endpoint in the background, signed with
// the topic's signature version.
func (s *Service) confirmation(sub *subscription, version string, m *Message) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		sig, err := s.signer.Sign(version, m)
		if err != nil {
			s.o.Logger.Error("SNS confirmation: signing failed", "error", err)
			return
		}
		h := http.Header{}
		h.Set(HeaderMessageType, m.Type)
		h.Set(HeaderMessageID, m.MessageID)
		h.Set(HeaderTopicArn, m.TopicArn)
		if err := s.post(sub.Endpoint, h, confirmationBody(m, version, sig, s.SigningCertURL())); err != nil && s.ctx.Err() == nil {
			s.o.Logger.Warn("SNS confirmation not delivered", "subscription", sub.arn(), "endpoint", sub.Endpoint, "error", err)
		}
	}()
}

// confirmationBody is a confirmation's JSON document, fields in AWS's
// order.
func confirmationBody(m *Message, version, sig, certURL string) []byte {
	b := []byte("{\n  ")
	for i, kv := range [][2]string{{"Type", m.Type}, {"MessageId", m.MessageID}, {"Token", m.Token}, {"TopicArn", m.TopicArn},
		{"Message", m.Message}, {"SubscribeURL", m.SubscribeURL}, {"Timestamp", m.Timestamp}, {"SignatureVersion", version},
		{"Signature", sig}, {"SigningCertURL", certURL}} {
		if i > 0 {
			b = append(b, ",\n  "...)
		}
		b = jsonx.AppendString(b, kv[0])
		b = append(b, " : "...)
		b = jsonx.AppendString(b, kv[1])
	}
	return append(b, "\n}"...)
}

// serveLink serves SubscribeURL (Action=ConfirmSubscription) and
// UnsubscribeURL (Action=Unsubscribe), answering in the query protocol's
// XML as SNS does.
func (s *Service) serveLink(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := uuid.NewString()
	var result any
	var err error
	switch q.Get("Action") {
	case "ConfirmSubscription":
		var a string
		a, err = s.ConfirmSubscription(r.Context(), q.Get("TopicArn"), q.Get("Token"), false)
		result = linkConfirm{Result: linkArn{Arn: a}, RequestID: id}
	case "Unsubscribe":
		err = s.Unsubscribe(r.Context(), q.Get("SubscriptionArn"))
		result = linkUnsubscribe{RequestID: id}
	default:
		err = invalid("Action")
	}
	w.Header().Set("Content-Type", "text/xml")
	if err != nil {
		e, ok := err.(*Error)
		if !ok {
			e = &Error{Code: CodeInternal, Message: err.Error()}
		}
		status := http.StatusBadRequest
		switch e.Code {
		case CodeNotFound:
			status = http.StatusNotFound
		case CodeAuthorizationError:
			status = http.StatusForbidden
		case CodeInternal:
			status = http.StatusInternalServerError
		}
		w.WriteHeader(status)
		result = linkError{Error: linkErrorBody{Type: "Sender", Code: e.Code, Message: e.Message}, RequestID: id}
	}
	w.Write([]byte(xml.Header))
	xml.NewEncoder(w).Encode(result)
}

type linkArn struct {
	Arn string `xml:"SubscriptionArn"`
}

type linkConfirm struct {
	XMLName   xml.Name `xml:"http://sns.amazonaws.com/doc/2010-03-31/ ConfirmSubscriptionResponse"`
	Result    linkArn  `xml:"ConfirmSubscriptionResult"`
	RequestID string   `xml:"ResponseMetadata>RequestId"`
}

type linkUnsubscribe struct {
	XMLName   xml.Name `xml:"http://sns.amazonaws.com/doc/2010-03-31/ UnsubscribeResponse"`
	RequestID string   `xml:"ResponseMetadata>RequestId"`
}

type linkErrorBody struct {
	Type    string `xml:"Type"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

type linkError struct {
	XMLName   xml.Name      `xml:"http://sns.amazonaws.com/doc/2010-03-31/ ErrorResponse"`
	Error     linkErrorBody `xml:"Error"`
	RequestID string        `xml:"RequestId"`
}
