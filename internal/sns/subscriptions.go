package sns

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/verge-edge/verge/internal/arn"
)

// settableSub are the subscription attributes Subscribe and
// SetSubscriptionAttributes take.
var settableSub = []string{attrDeliveryPolicy, attrFilterPolicy, attrFilterPolicyScope, attrRawMessageDelivery,
	attrRedrivePolicy, attrSubscriptionRoleArn, attrReplayPolicy}

// A SubscriptionInfo is a subscription as the lists show it.
type SubscriptionInfo struct {
	SubscriptionArn string // PendingConfirmation until confirmed
	Owner           string
	Protocol        string
	Endpoint        string
	TopicArn        string
}

func (sub *subscription) info() SubscriptionInfo {
	a := sub.arn()
	if sub.Pending {
		a = PendingConfirmation
	}
	return SubscriptionInfo{SubscriptionArn: a, Owner: arn.Account, Protocol: sub.Protocol, Endpoint: sub.Endpoint, TopicArn: arn.Topic(sub.Topic)}
}

// checkEndpoint validates a subscription's protocol and endpoint for t.
func checkEndpoint(t *topic, protocol, endpoint string) error {
	switch protocol {
	case ProtocolSQS:
		name := queueName(endpoint)
		if name == "" {
			return invalid("SQS endpoint ARN")
		}
		if t.fifo() && !strings.HasSuffix(name, ".fifo") {
			return invalid("Invalid parameter: Endpoint Reason: FIFO SNS Topics currently only support FIFO SQS queues as endpoints")
		}
		if !t.fifo() && strings.HasSuffix(name, ".fifo") {
			return invalid("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
		}
		return nil
	case ProtocolLambda, ProtocolHTTP, ProtocolHTTPS:
		if t.fifo() {
			return invalid("Invalid parameter: Endpoint Reason: FIFO SNS Topics currently only support FIFO SQS queues as endpoints")
		}
		if protocol == ProtocolLambda {
			if functionName(endpoint) == "" {
				return invalid("Lambda endpoint ARN")
			}
			return nil
		}
		u, err := url.Parse(endpoint)
		if err != nil || u.Scheme != protocol || u.Host == "" {
			return invalid("Endpoint must match the specified protocol")
		}
		return nil
	case "email", "email-json", "sms", "application", "firehose":
		return invalid("Verge does not deliver to the %s protocol (it delivers to sqs, lambda, http and https)", protocol)
	}
	return invalid("Amazon SNS does not support this protocol string: %s", protocol)
}

// queueName is the queue an SQS ARN names ("" when it is not one).
func queueName(queueArn string) string {
	name, ok := strings.CutPrefix(queueArn, "arn:aws:sqs:")
	if !ok {
		return ""
	}
	parts := strings.Split(name, ":")
	if len(parts) != 3 || parts[2] == "" {
		return ""
	}
	return parts[2]
}

// functionName is the function (with ":qualifier") a Lambda ARN names.
func functionName(functionArn string) string {
	rest, ok := strings.CutPrefix(functionArn, "arn:aws:lambda:")
	if !ok {
		return ""
	}
	parts := strings.Split(rest, ":")
	if len(parts) < 4 || len(parts) > 5 || parts[2] != "function" || parts[3] == "" {
		return ""
	}
	return strings.Join(parts[3:], ":")
}

// checkSubAttribute validates one subscription attribute for protocol.
// prefix is what SNS puts before the reason ("Attributes Reason: " in
// Subscribe).
func checkSubAttribute(protocol, name, value, scope, prefix string) error {
	if !slices.Contains(settableSub, name) {
		return invalid("%sAttributeName", prefix)
	}
	switch name {
	case attrRawMessageDelivery:
		if v := strings.ToLower(value); v != "true" && v != "false" {
			return invalid("%sRawMessageDelivery: Invalid value [%s]. Must be true or false.", prefix, value)
		}
		if protocol == ProtocolLambda {
			return invalid("%sDelivery protocol [lambda] does not support raw message delivery.", prefix)
		}
	case attrFilterPolicy:
		if value == "" {
			return nil
		}
		if _, err := CompileFilter(value, scope); err != nil {
			return invalid("%s%s", prefix, err.Error())
		}
	case attrFilterPolicyScope:
		if value != ScopeAttributes && value != ScopeBody {
			return invalid("%sFilterPolicyScope: Invalid value [%s]. Please use either MessageBody or MessageAttributes", prefix, value)
		}
	case attrRedrivePolicy:
		if value == "" {
			return nil
		}
		if deadLetterQueue(value) == "" {
			return invalid("%sRedrivePolicy: deadLetterTargetArn must be an SQS queue ARN", prefix)
		}
	case attrDeliveryPolicy, attrReplayPolicy:
		if value != "" && !json.Valid([]byte(value)) {
			return invalid("%s%s: the value is not valid JSON", prefix, name)
		}
	}
	return nil
}

// deadLetterQueue is the queue a RedrivePolicy names ("" for none).
func deadLetterQueue(policy string) string {
	var rp struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
	}
	if json.Unmarshal([]byte(policy), &rp) != nil {
		return ""
	}
	return queueName(rp.DeadLetterTargetArn)
}

// normalise lower-cases boolean attributes as SNS shows them.
func normalise(attrs map[string]string) map[string]string {
	out := maps.Clone(attrs)
	if out == nil {
		out = map[string]string{}
	}
	if v, ok := out[attrRawMessageDelivery]; ok {
		out[attrRawMessageDelivery] = strings.ToLower(v)
	}
	return out
}

// Subscribe subscribes endpoint to a topic. sqs and lambda subscriptions
// are confirmed at once; http(s) ones are pending until the endpoint
// confirms the SubscriptionConfirmation Verge posts to it. It returns the
// subscription's ARN, or PendingConfirmation when it is pending and
// returnArn is false.
func (s *Service) Subscribe(ctx context.Context, topicArn, protocol, endpoint string, attrs map[string]string, returnArn bool) (string, error) {
	protocol = strings.ToLower(protocol)
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.topicOf(topicArn)
	if err != nil {
		return "", err
	}
	if err := checkEndpoint(t, protocol, endpoint); err != nil {
		return "", err
	}
	scope := attrs[attrFilterPolicyScope]
	for k, v := range attrs {
		if err := checkSubAttribute(protocol, k, v, scope, "Attributes Reason: "); err != nil {
			return "", err
		}
	}
	attrs = normalise(attrs)
	for _, sub := range t.subs {
		if sub.Protocol != protocol || sub.Endpoint != endpoint {
			continue
		}
		for k, v := range attrs {
			if sub.Attributes[k] != v {
				return "", invalid("Attributes Reason: Subscription already exists with different attributes")
			}
		}
		if sub.Pending && !returnArn {
			return PendingConfirmation, nil
		}
		return sub.arn(), nil
	}
	sub := &subscription{ID: uuid.NewString(), Topic: t.Name, Protocol: protocol, Endpoint: endpoint, Attributes: attrs}
	if protocol == ProtocolHTTP || protocol == ProtocolHTTPS {
		sub.Pending, sub.Token = true, newToken()
	}
	if err := sub.compile(); err != nil {
		return "", invalid("Attributes Reason: %v", err)
	}
	if err := s.addSub(ctx, t, sub); err != nil {
		return "", err
	}
	if sub.Pending {
		s.confirmLater(sub, t.version())
		if !returnArn {
			return PendingConfirmation, nil
		}
	}
	return sub.arn(), nil
}

// newToken is a confirmation token: 128 random bytes, hex, as long as
// SNS's.
func newToken() string {
	b := make([]byte, 128)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// addSub stores sub and adds it to t; callers hold s.mu.
func (s *Service) addSub(ctx context.Context, t *topic, sub *subscription) error {
	if err := s.saveSub(ctx, sub); err != nil {
		return err
	}
	t.subs = append(slices.Clip(t.subs), sub)
	s.subs[sub.arn()] = sub
	return nil
}

// replaceSub swaps old for sub in its topic; callers hold s.mu.
func (s *Service) replaceSub(ctx context.Context, old, sub *subscription) error {
	if err := s.saveSub(ctx, sub); err != nil {
		return err
	}
	t := s.topics[sub.Topic]
	subs := slices.Clone(t.subs)
	for i := range subs {
		if subs[i] == old {
			subs[i] = sub
		}
	}
	t.subs = subs
	s.subs[sub.arn()] = sub
	return nil
}

// removeSub deletes sub; callers hold s.mu.
func (s *Service) removeSub(ctx context.Context, sub *subscription) error {
	if err := s.deleteKey(ctx, keySub+sub.ID); err != nil {
		return err
	}
	if t := s.topics[sub.Topic]; t != nil {
		t.subs = slices.DeleteFunc(slices.Clone(t.subs), func(x *subscription) bool { return x == sub })
		t.Deleted++
	}
	delete(s.subs, sub.arn())
	return nil
}

// ConfirmSubscription confirms a pending subscription with the token Verge
// sent to its endpoint.
func (s *Service) ConfirmSubscription(ctx context.Context, topicArn, token string, authenticate bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.topicOf(topicArn)
	if err != nil {
		return "", err
	}
	if token == "" {
		return "", invalid("Token")
	}
	for _, sub := range t.subs {
		if sub.Token != token {
			continue
		}
		if !sub.Pending {
			return sub.arn(), nil
		}
		c := *sub
		c.Pending, c.Authenticated = false, authenticate
		if err := s.replaceSub(ctx, sub, &c); err != nil {
			return "", err
		}
		return c.arn(), nil
	}
	return "", invalid("Token")
}

// subOf returns the subscription an ARN names; callers hold s.mu.
func (s *Service) subOf(subArn string) (*subscription, error) {
	i := strings.LastIndexByte(subArn, ':')
	if i < 0 || TopicName(subArn[:i]) == "" || subArn[i+1:] == "" {
		return nil, invalid("SubscriptionArn")
	}
	sub := s.subs[subArn]
	if sub == nil {
		return nil, notFound("Subscription")
	}
	return sub, nil
}

// Unsubscribe deletes a subscription (an http(s) endpoint gets an
// UnsubscribeConfirmation). The stack's subscriptions cannot be deleted.
func (s *Service) Unsubscribe(ctx context.Context, subArn string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, err := s.subOf(subArn)
	if err != nil {
		return err
	}
	if sub.Stack {
		return errorf(CodeAuthorizationError, "The subscription %s belongs to the stack file and cannot be deleted through the API", subArn)
	}
	if err := s.removeSub(ctx, sub); err != nil {
		return err
	}
	if (sub.Protocol == ProtocolHTTP || sub.Protocol == ProtocolHTTPS) && !sub.Pending {
		version := defaultVersion
		if t := s.topics[sub.Topic]; t != nil {
			version = t.version()
		}
		s.unsubscribedLater(sub, version)
	}
	return nil
}

// ListSubscriptions lists every subscription, 100 a page.
func (s *Service) ListSubscriptions(token string) ([]SubscriptionInfo, string, error) {
	s.mu.RLock()
	names := slices.Sorted(maps.Keys(s.topics))
	var all []SubscriptionInfo
	for _, n := range names {
		for _, sub := range s.topics[n].subs {
			all = append(all, sub.info())
		}
	}
	s.mu.RUnlock()
	return pageOf(all, token)
}

// ListSubscriptionsByTopic lists a topic's subscriptions, 100 a page.
func (s *Service) ListSubscriptionsByTopic(topicArn, token string) ([]SubscriptionInfo, string, error) {
	s.mu.RLock()
	t, err := s.topicOf(topicArn)
	var all []SubscriptionInfo
	if err == nil {
		for _, sub := range t.subs {
			all = append(all, sub.info())
		}
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, "", err
	}
	return pageOf(all, token)
}

func pageOf(all []SubscriptionInfo, token string) ([]SubscriptionInfo, string, error) {
	from, to, next, err := page(len(all), token)
	if err != nil {
		return nil, "", err
	}
	return all[from:to], next, nil
}

// SubscriptionAttributes returns GetSubscriptionAttributes' map.
func (s *Service) SubscriptionAttributes(subArn string) (map[string]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sub, err := s.subOf(subArn)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	maps.Copy(out, sub.Attributes)
	out[attrSubscriptionArn] = sub.arn()
	out[attrTopicArn] = arn.Topic(sub.Topic)
	out[attrOwner] = arn.Account
	out[attrProtocol] = sub.Protocol
	out[attrEndpoint] = sub.Endpoint
	out[attrPendingConfirmation] = boolString(sub.Pending)
	out[attrConfirmationAuth] = boolString(!sub.Pending && (sub.Authenticated || sub.Protocol == ProtocolSQS || sub.Protocol == ProtocolLambda))
	out["SubscriptionPrincipal"] = "arn:aws:iam::" + arn.Account + ":root"
	if out[attrRawMessageDelivery] == "" {
		out[attrRawMessageDelivery] = "false"
	}
	if out[attrFilterPolicy] != "" && out[attrFilterPolicyScope] == "" {
		out[attrFilterPolicyScope] = ScopeAttributes
	}
	if sub.Protocol == ProtocolHTTP || sub.Protocol == ProtocolHTTPS {
		out[attrEffectiveDelivery] = effectiveDeliveryPolicy
	}
	return out, nil
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// SetSubscriptionAttribute sets one subscription attribute ("" removes a
// FilterPolicy or RedrivePolicy).
func (s *Service) SetSubscriptionAttribute(ctx context.Context, subArn, name, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, err := s.subOf(subArn)
	if err != nil {
		return err
	}
	scope := sub.Attributes[attrFilterPolicyScope]
	if name == attrFilterPolicyScope {
		scope = value
	}
	if err := checkSubAttribute(sub.Protocol, name, value, scope, ""); err != nil {
		return err
	}
	c := *sub
	c.Attributes = maps.Clone(sub.Attributes)
	if c.Attributes == nil {
		c.Attributes = map[string]string{}
	}
	if value == "" && (name == attrFilterPolicy || name == attrRedrivePolicy) {
		delete(c.Attributes, name)
	} else {
		c.Attributes[name] = value
	}
	c.Attributes = normalise(c.Attributes)
	if err := c.compile(); err != nil {
		// A scope change can make the existing policy invalid.
		return invalid("%v", err)
	}
	return s.replaceSub(ctx, sub, &c)
}
