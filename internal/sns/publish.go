package sns

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/verge-edge/verge/internal/arn"
)

// PublishInput is a message to publish (Publish, or an entry of
// PublishBatch).
type PublishInput struct {
	// ID is the batch entry's id ("" for Publish).
	ID      string
	Message string
	Subject string
	// MessageStructure "json" makes Message a JSON object of messages by
	// protocol, with a "default".
	MessageStructure string
	Attributes       map[string]MessageAttribute
	GroupID          string // FIFO: required
	DeduplicationID  string // FIFO: required unless content-based
}

// PublishResult is a published message.
type PublishResult struct {
	ID             string // the batch entry's id
	MessageID      string
	SequenceNumber string // FIFO only
}

// A Message is a message as it is delivered and signed: a notification,
// or a subscription or unsubscribe confirmation.
type Message struct {
	Type           string
	MessageID      string
	TopicArn       string
	Subject        string
	Message        string
	Timestamp      string
	SequenceNumber string
	// SubscribeURL and Token: confirmations only.
	SubscribeURL string
	Token        string
	Attributes   map[string]MessageAttribute
}

// timeLayout is SNS's timestamp: UTC, milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z"

// checkPublish validates a message for a topic (fifo or not) as Publish
// does.
func checkPublish(in *PublishInput, fifo, contentDedup bool) error {
	if in.Message == "" {
		return invalid("Empty message")
	}
	size := len(in.Message)
	for k, a := range in.Attributes {
		size += len(k) + len(a.DataType) + len(a.StringValue) + len(a.BinaryValue)
	}
	if size > MaxMessageSize {
		return invalid("Message too long")
	}
	if !utf8.ValidString(in.Message) {
		return invalid("Message must be valid UTF-8")
	}
	if in.Subject != "" {
		if len(in.Subject) > MaxSubject || !printableASCII(in.Subject) {
			return invalid("Subject")
		}
	}
	switch in.MessageStructure {
	case "":
	case "json":
		var m map[string]any
		if err := json.Unmarshal([]byte(in.Message), &m); err != nil {
			return invalid("Message Structure - JSON message body failed to parse")
		}
		if _, ok := m["default"].(string); !ok {
			return invalid("Message Structure - No default entry in JSON message body")
		}
		for k, v := range m {
			if _, ok := v.(string); !ok {
				return invalid("Message Structure - the entry %s is not a string", k)
			}
		}
	default:
		return invalid("MessageStructure")
	}
	if err := checkAttributes(in.Attributes); err != nil {
		return err
	}
	if fifo {
		if in.GroupID == "" {
			return invalid("The MessageGroupId parameter is required for FIFO topics")
		}
		if !validFifoID(in.GroupID) {
			return invalid("MessageGroupId Reason: it must be 1 to 128 characters of letters, digits and punctuation")
		}
		if in.DeduplicationID == "" && !contentDedup {
			return invalid("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
		}
		if in.DeduplicationID != "" && !validFifoID(in.DeduplicationID) {
			return invalid("MessageDeduplicationId Reason: it must be 1 to 128 characters of letters, digits and punctuation")
		}
	} else if in.DeduplicationID != "" {
		return invalid("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type")
	}
	return nil
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// validFifoID: 1-128 characters of ASCII letters, digits and punctuation.
func validFifoID(s string) bool {
	return s != "" && len(s) <= 128 && printableASCII(s) && !strings.Contains(s, " ")
}

// checkAttributes validates message attributes as SNS does.
func checkAttributes(attrs map[string]MessageAttribute) error {
	if len(attrs) > MaxAttributes {
		return invalid("Too many message attributes: %d, the limit is %d", len(attrs), MaxAttributes)
	}
	for name, a := range attrs {
		if name == "" || len(name) > 256 || strings.HasPrefix(strings.ToLower(name), "aws.") || strings.HasPrefix(strings.ToLower(name), "amazon.") ||
			strings.Contains(name, "..") || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") {
			return errorf(CodeInvalidParameterValue, "The message attribute name '%s' is invalid.", name)
		}
		if a.DataType == "" {
			return errorf(CodeInvalidParameterValue, "The message attribute '%s' must contain non-empty message attribute type.", name)
		}
		switch baseType(a.DataType) {
		case DataString, DataStringArray, DataNumber:
			if a.StringValue == "" {
				return errorf(CodeInvalidParameterValue, "The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, a.DataType)
			}
		case DataBinary:
			if len(a.BinaryValue) == 0 {
				return errorf(CodeInvalidParameterValue, "The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, a.DataType)
			}
			continue
		default:
			return errorf(CodeInvalidParameterValue, "The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
		}
		switch baseType(a.DataType) {
		case DataNumber:
			f, err := strconv.ParseFloat(strings.TrimSpace(a.StringValue), 64)
			if err != nil || f > 1e38 || f < -1e38 {
				return errorf(CodeInvalidParameterValue, "The message attribute '%s' with type 'Number' must use a numeric value.", name)
			}
		case DataStringArray:
			var arr []any
			if json.Unmarshal([]byte(a.StringValue), &arr) != nil {
				return errorf(CodeInvalidParameterValue, "The message attribute '%s' with type 'String.Array' must use a valid JSON array.", name)
			}
		}
	}
	return nil
}

// Publish publishes a message to a topic and returns once every sqs and
// lambda subscription that takes it has it durably (sent to its queue,
// enqueued for its function); http(s) deliveries continue in the
// background.
func (s *Service) Publish(ctx context.Context, topicArn string, in PublishInput) (PublishResult, error) {
	rs, errs, err := s.PublishBatch(ctx, topicArn, []PublishInput{in})
	if err != nil {
		return PublishResult{}, err
	}
	if errs[0] != nil {
		return PublishResult{}, errs[0]
	}
	return rs[0], nil
}

// PublishBatch publishes entries to a topic; results and errors are by
// entry (an entry's error is an *Error), err is for the whole call.
func (s *Service) PublishBatch(ctx context.Context, topicArn string, in []PublishInput) ([]PublishResult, []error, error) {
	s.mu.RLock()
	t, err := s.topicOf(topicArn)
	var subs []*subscription
	var fifo, contentDedup bool
	var version string
	if err == nil {
		subs, fifo, contentDedup = t.subs, t.fifo(), t.Attributes[attrContentBasedDedup] == "true"
		version = t.version()
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, nil, err
	}
	results := make([]PublishResult, len(in))
	errs := make([]error, len(in))
	for i := range in {
		e := &in[i]
		results[i].ID = e.ID
		if err := checkPublish(e, fifo, contentDedup); err != nil {
			errs[i] = err
			continue
		}
		m := &Message{Type: TypeNotification, MessageID: uuid.NewString(), TopicArn: arn.Topic(t.Name), Subject: e.Subject,
			Message: e.Message, Timestamp: s.o.Now().UTC().Format(timeLayout), Attributes: e.Attributes}
		dedupID := e.DeduplicationID
		if fifo {
			if dedupID == "" {
				h := sha256.Sum256([]byte(e.Message))
				dedupID = hex.EncodeToString(h[:])
			}
			id, seq, dup, err := s.sequence(ctx, t, dedupID, m.MessageID)
			if err != nil {
				errs[i] = err
				continue
			}
			results[i].MessageID, results[i].SequenceNumber = id, seq
			if dup {
				continue
			}
			m.SequenceNumber = seq
		} else {
			results[i].MessageID = m.MessageID
		}
		p := &publication{msg: m, structure: e.MessageStructure, version: version, groupID: e.GroupID, dedupID: dedupID}
		s.fanout(ctx, subs, p)
	}
	return results, errs, nil
}

// sequence gives a FIFO message its sequence number, or the earlier
// message's id and number when dedupID was seen in the last five minutes
// (on any node, before a restart too).
func (s *Service) sequence(ctx context.Context, t *topic, dedupID, id string) (string, string, bool, error) {
	h := sha256.Sum256([]byte(dedupID))
	key := t.Name + "." + hex.EncodeToString(h[:16])
	s.seqMu.Lock()
	t.seq++
	seq := fmt.Sprintf("%020d", uint64(s.o.Now().UnixMilli())*1000+t.seq%1000)
	s.seqMu.Unlock()
	_, err := s.dedup.Create(ctx, key, []byte(id+"\n"+seq))
	if errors.Is(err, jetstream.ErrKeyExists) {
		e, gerr := s.dedup.Get(ctx, key)
		if gerr == nil {
			if prevID, prevSeq, ok := strings.Cut(string(e.Value()), "\n"); ok {
				return prevID, prevSeq, true, nil
			}
		}
		err = gerr
	}
	if err != nil {
		return "", "", false, errorf(CodeInternal, "deduplication: %v", err)
	}
	return id, seq, false, nil
}

// A publication is one published message on its way to the subscribers:
// the signatures are made once per delivered message text.
type publication struct {
	msg       *Message
	structure string
	version   string
	groupID   string
	dedupID   string

	mu        sync.Mutex
	sigs      map[string]string    // by message text
	envelopes map[string][2][]byte // by message text: see envelope
	msgs      map[string]string    // MessageStructure json: by protocol
}

// text is the message a protocol gets.
func (p *publication) text(protocol string) string {
	if p.structure != "json" {
		return p.msg.Message
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.msgs == nil {
		json.Unmarshal([]byte(p.msg.Message), &p.msgs) // checked by checkPublish
	}
	if m, ok := p.msgs[protocol]; ok {
		return m
	}
	return p.msgs["default"]
}

// signature signs m (whose Message is text) once per text.
func (p *publication) signature(sg *Signer, m *Message) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if sig, ok := p.sigs[m.Message]; ok {
		return sig, nil
	}
	sig, err := sg.Sign(p.version, m)
	if err != nil {
		return "", err
	}
	if p.sigs == nil {
		p.sigs = map[string]string{}
	}
	p.sigs[m.Message] = sig
	return sig, nil
}

// fanout delivers p to every confirmed subscription whose filter passes
// it: sqs and lambda concurrently, returning once they are done; http(s)
// in the background.
func (s *Service) fanout(ctx context.Context, subs []*subscription, p *publication) {
	// A caller that goes away mid-way must not leave some subscribers
	// without the message: the deliveries finish regardless.
	ctx = context.WithoutCancel(ctx)
	subj := &subject{attrs: p.msg.Attributes, body: p.msg.Message}
	var wg sync.WaitGroup
	for _, sub := range subs {
		if sub.Pending {
			continue
		}
		if sub.filter != nil {
			if sub.filter.scope == ScopeBody && p.structure == "json" {
				if !sub.filter.match(&subject{attrs: p.msg.Attributes, body: p.text(sub.Protocol)}) {
					continue
				}
			} else if !sub.filter.match(subj) {
				continue
			}
		}
		switch sub.Protocol {
		case ProtocolSQS, ProtocolLambda:
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.deliver(ctx, sub, p)
			}()
		case ProtocolHTTP, ProtocolHTTPS:
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.deliverHTTP(sub, p)
			}()
		}
	}
	wg.Wait()
}

// encodeBinary is how envelopes carry a Binary attribute.
func encodeBinary(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
