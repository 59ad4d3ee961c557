package sns

import (
	"context"
	"crypto/sha256"
	"maps"

	"github.com/google/uuid"
	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/errs"
)

// A TopicConfig is a topic the stack declares, with its attributes by
// SNS's names (FifoTopic, ContentBasedDeduplication, DisplayName,
// SignatureVersion, …), validated as CreateTopic validates them.
type TopicConfig struct {
	Name       string
	Attributes map[string]string
	Tags       map[string]string
}

// A StackSubscription is a subscription the stack declares (an sns
// trigger of a function, a queue subscribed to a topic). It is confirmed,
// and cannot be deleted through the API.
type StackSubscription struct {
	Topic string
	// Protocol is "lambda" or "sqs"; Endpoint the function's or the
	// queue's name.
	Protocol, Endpoint string
	FilterPolicy       string
	FilterPolicyScope  string
	RawMessageDelivery bool
	// DeadLetterQueue is the name of the queue undeliverable messages go
	// to ("" for none).
	DeadLetterQueue string
}

// Apply makes the stack's topics and subscriptions exist as given: topics
// and subscriptions created through the API are kept (those on a stack
// topic the new list drops go with it), stack ones the lists drop are
// deleted. It checks everything before changing anything.
func (s *Service) Apply(ctx context.Context, topics []TopicConfig, subs []StackSubscription) error {
	const op errs.Op = "sns.Apply"
	var problems errs.List
	want := map[string]*topic{}
	for _, tc := range topics {
		if err := checkTopicAttributes(tc.Name, tc.Attributes, true); err != nil {
			problems = append(problems, errs.E(op, errs.Invalid, "topic "+tc.Name, err))
			continue
		}
		attrs := maps.Clone(tc.Attributes)
		if attrs == nil {
			attrs = map[string]string{}
		}
		want[tc.Name] = &topic{Name: tc.Name, Stack: true, Attributes: attrs, Tags: maps.Clone(tc.Tags)}
	}
	wantSubs := map[string]*subscription{} // by ID
	for _, ss := range subs {
		sub, err := stackSub(ss)
		if err == nil {
			t := want[ss.Topic]
			if t == nil {
				err = errs.Errorf("the topic %s is not in the stack", ss.Topic)
			} else {
				err = checkEndpoint(t, sub.Protocol, sub.Endpoint)
			}
		}
		if err != nil {
			problems = append(problems, errs.E(op, errs.Invalid, "subscription of "+ss.Protocol+" "+ss.Endpoint+" to "+ss.Topic, err))
			continue
		}
		wantSubs[sub.ID] = sub
	}
	if len(problems) > 0 {
		return problems
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	for name, t := range s.topics {
		if t.Stack && want[name] == nil {
			if err := s.removeTopic(ctx, t); err != nil {
				return errs.E(op, errs.Unavailable, err)
			}
		}
	}
	for name, w := range want {
		t := s.topics[name]
		if t == nil {
			t = &topic{Name: name}
			s.topics[name] = t
		}
		t.Stack, t.Attributes, t.Tags = true, w.Attributes, w.Tags
		if err := s.saveTopic(ctx, t); err != nil {
			return errs.E(op, errs.Unavailable, err)
		}
	}
	for _, t := range s.topics {
		for _, sub := range t.subs {
			if sub.Stack && wantSubs[sub.ID] == nil {
				if err := s.removeSub(ctx, sub); err != nil {
					return errs.E(op, errs.Unavailable, err)
				}
			}
		}
	}
	for _, sub := range wantSubs {
		old := s.subs[sub.arn()]
		var err error
		if old != nil {
			err = s.replaceSub(ctx, old, sub)
		} else {
			err = s.addSub(ctx, s.topics[sub.Topic], sub)
		}
		if err != nil {
			return errs.E(op, errs.Unavailable, err)
		}
	}
	return nil
}

// stackSub is a stack subscription as the service keeps it: its ID is
// derived from topic, protocol and endpoint, so its ARN survives reloads.
func stackSub(ss StackSubscription) (*subscription, error) {
	endpoint := ""
	switch ss.Protocol {
	case ProtocolLambda:
		endpoint = arn.Function(ss.Endpoint, "")
	case ProtocolSQS:
		endpoint = arn.Queue(ss.Endpoint)
	default:
		return nil, errs.Errorf("the protocol %q is not lambda or sqs", ss.Protocol)
	}
	h := sha256.Sum256([]byte(ss.Topic + "\n" + ss.Protocol + "\n" + endpoint))
	id, _ := uuid.FromBytes(h[:16])
	sub := &subscription{ID: id.String(), Topic: ss.Topic, Protocol: ss.Protocol, Endpoint: endpoint, Stack: true, Attributes: map[string]string{}}
	if ss.FilterPolicy != "" {
		sub.Attributes[attrFilterPolicy] = ss.FilterPolicy
		if ss.FilterPolicyScope != "" {
			sub.Attributes[attrFilterPolicyScope] = ss.FilterPolicyScope
		}
	}
	if ss.RawMessageDelivery {
		if ss.Protocol == ProtocolLambda {
			return nil, errs.Errorf("raw message delivery is for sqs subscriptions, not lambda")
		}
		sub.Attributes[attrRawMessageDelivery] = "true"
	}
	if ss.DeadLetterQueue != "" {
		sub.Attributes[attrRedrivePolicy] = `{"deadLetterTargetArn":"` + arn.Queue(ss.DeadLetterQueue) + `"}`
	}
	if err := sub.compile(); err != nil {
		return nil, err
	}
	return sub, nil
}
