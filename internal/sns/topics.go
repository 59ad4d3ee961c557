package sns

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
)

// settableTopic are the topic attributes CreateTopic and
// SetTopicAttributes take (FifoTopic at creation only).
var settableTopic = []string{attrPolicy, attrDisplayName, attrDeliveryPolicy, attrFifoTopic, attrContentBasedDedup,
	attrSignatureVersion, attrTracingConfig, attrKmsMasterKeyID, attrArchivePolicy, attrFifoThroughputScope, attrDataProtection}

// validTopicName: 1-256 letters, digits, hyphens and underscores, and a
// FIFO topic's ".fifo".
func validTopicName(name string, fifo bool) bool {
	base := name
	if fifo {
		var ok bool
		if base, ok = strings.CutSuffix(name, ".fifo"); !ok {
			return false
		}
	}
	if base == "" || len(name) > maxTopicName {
		return false
	}
	for _, c := range base {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// checkTopicAttributes validates attributes for a new topic (creating) or
// a change.
func checkTopicAttributes(name string, attrs map[string]string, creating bool) error {
	for k, v := range attrs {
		if !slices.Contains(settableTopic, k) {
			return invalid("Attributes Reason: Unknown attribute %s", k)
		}
		switch k {
		case attrFifoTopic:
			if !creating {
				return invalid("AttributeName")
			}
			if v != "true" && v != "false" {
				return invalid("Attributes Reason: FifoTopic must be true or false")
			}
		case attrContentBasedDedup:
			if v != "true" && v != "false" {
				return invalid("Attributes Reason: ContentBasedDeduplication must be true or false")
			}
		case attrSignatureVersion:
			if v != "1" && v != "2" {
				return invalid("SignatureVersion: must be 1 or 2")
			}
		case attrPolicy, attrDeliveryPolicy, attrDataProtection, attrArchivePolicy:
			if v != "" && !json.Valid([]byte(v)) {
				return invalid("Attributes Reason: %s: the value is not valid JSON", k)
			}
		}
	}
	fifo := attrs[attrFifoTopic] == "true"
	if creating {
		switch {
		case fifo && !validTopicName(name, true):
			return invalid("Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.")
		case !fifo && strings.HasSuffix(name, ".fifo"):
			return invalid("Topic Name")
		case !fifo && !validTopicName(name, false):
			return invalid("Topic Name")
		}
	}
	if attrs[attrContentBasedDedup] == "true" && !fifo && creating {
		return invalid("Attributes Reason: Content-based deduplication can only be set for FIFO topics")
	}
	return nil
}

// TopicName is the topic an ARN names ("" when it names none).
func TopicName(topicArn string) string {
	prefix := arn.Topic("")
	name, ok := strings.CutPrefix(topicArn, prefix)
	if !ok || name == "" || strings.Contains(name, ":") {
		return ""
	}
	return name
}

// topicOf returns the topic an ARN names; callers hold s.mu.
func (s *Service) topicOf(topicArn string) (*topic, error) {
	name := TopicName(topicArn)
	if name == "" {
		return nil, invalid("TopicArn")
	}
	t := s.topics[name]
	if t == nil {
		return nil, notFound("Topic")
	}
	return t, nil
}

// CreateTopic creates a topic, or returns the one of that name when its
// attributes agree (CreateTopic is idempotent).
func (s *Service) CreateTopic(ctx context.Context, name string, attrs, tags map[string]string) (string, error) {
	if err := checkTopicAttributes(name, attrs, true); err != nil {
		return "", err
	}
	if err := checkTags(tags); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.topics[name]; t != nil {
		for k, v := range attrs {
			if t.Attributes[k] != v && !(k == attrFifoTopic && v == "false" && !t.fifo()) {
				return "", invalid("Attributes Reason: Topic already exists with different attributes")
			}
		}
		for k, v := range tags {
			if old, ok := t.Tags[k]; ok && old != v {
				return "", invalid("Tags Reason: Topic already exists with different tags")
			}
		}
		return t.arn(), nil
	}
	t := &topic{Name: name, Attributes: maps.Clone(attrs), Tags: maps.Clone(tags)}
	if t.Attributes == nil {
		t.Attributes = map[string]string{}
	}
	if err := s.saveTopic(ctx, t); err != nil {
		return "", err
	}
	s.topics[name] = t
	return t.arn(), nil
}

// DeleteTopic deletes a topic and its subscriptions; deleting a topic that
// does not exist succeeds, as on AWS. The stack's topics cannot be
// deleted.
func (s *Service) DeleteTopic(ctx context.Context, topicArn string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.topicOf(topicArn)
	if err != nil {
		if e, ok := err.(*Error); ok && e.Code == CodeNotFound {
			return nil
		}
		return err
	}
	if t.Stack {
		return errorf(CodeAuthorizationError, "The topic %s belongs to the stack file and cannot be deleted through the API", t.Name)
	}
	return s.removeTopic(ctx, t)
}

// removeTopic deletes t and its subscriptions; callers hold s.mu.
func (s *Service) removeTopic(ctx context.Context, t *topic) error {
	for _, sub := range t.subs {
		if err := s.deleteKey(ctx, keySub+sub.ID); err != nil {
			return err
		}
		delete(s.subs, sub.arn())
	}
	if err := s.deleteKey(ctx, keyTopic+t.Name); err != nil {
		return err
	}
	delete(s.topics, t.Name)
	return nil
}

// ListTopics lists topic ARNs in name order, a page of 100 from the token
// a previous page returned.
func (s *Service) ListTopics(token string) (arns []string, next string, err error) {
	s.mu.RLock()
	names := slices.Sorted(maps.Keys(s.topics))
	s.mu.RUnlock()
	from, to, next, err := page(len(names), token)
	if err != nil {
		return nil, "", err
	}
	for _, n := range names[from:to] {
		arns = append(arns, arn.Topic(n))
	}
	return arns, next, nil
}

// page is the bounds of a page of at most pageSize items out of n, from
// an offset token.
func page(n int, token string) (from, to int, next string, err error) {
	if token != "" {
		f, perr := strconv.Atoi(token)
		if perr != nil || f < 0 || f > n {
			return 0, 0, "", invalid("NextToken")
		}
		from = f
	}
	to = min(from+pageSize, n)
	if to < n {
		next = strconv.Itoa(to)
	}
	return from, to, next, nil
}

// TopicAttributes returns GetTopicAttributes' map.
func (s *Service) TopicAttributes(topicArn string) (map[string]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, err := s.topicOf(topicArn)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	maps.Copy(out, t.Attributes)
	var confirmed, pending int
	for _, sub := range t.subs {
		if sub.Pending {
			pending++
		} else {
			confirmed++
		}
	}
	out[attrTopicArn] = t.arn()
	out[attrOwner] = arn.Account
	out["SubscriptionsConfirmed"] = strconv.Itoa(confirmed)
	out["SubscriptionsPending"] = strconv.Itoa(pending)
	out["SubscriptionsDeleted"] = strconv.Itoa(t.Deleted)
	if out[attrPolicy] == "" {
		out[attrPolicy] = defaultPolicy(t.arn())
	}
	if out[attrDisplayName] == "" && !t.fifo() {
		out[attrDisplayName] = ""
	}
	out[attrEffectiveDelivery] = effectiveDeliveryPolicy
	if t.fifo() {
		if out[attrContentBasedDedup] == "" {
			out[attrContentBasedDedup] = "false"
		}
		if out[attrFifoThroughputScope] == "" {
			out[attrFifoThroughputScope] = "Topic"
		}
	}
	return out, nil
}

// effectiveDeliveryPolicy is SNS's default HTTP delivery policy.
const effectiveDeliveryPolicy = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`

// defaultPolicy is the access policy SNS gives a new topic.
func defaultPolicy(topicArn string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"` +
		topicArn + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + arn.Account + `"}}}]}`
}

// SetTopicAttribute sets one topic attribute ("" removes it).
func (s *Service) SetTopicAttribute(ctx context.Context, topicArn, name, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.topicOf(topicArn)
	if err != nil {
		return err
	}
	if err := checkTopicAttributes(t.Name, map[string]string{name: value}, false); err != nil {
		return err
	}
	if name == attrContentBasedDedup && !t.fifo() {
		return invalid("ContentBasedDeduplication Reason: Content-based deduplication can only be set for FIFO topics")
	}
	nt := *t
	nt.Attributes = map[string]string{}
	maps.Copy(nt.Attributes, t.Attributes)
	if value == "" {
		delete(nt.Attributes, name)
	} else {
		nt.Attributes[name] = value
	}
	if err := s.saveTopic(ctx, &nt); err != nil {
		return err
	}
	t.Attributes = nt.Attributes
	return nil
}

func checkTags(tags map[string]string) error {
	if len(tags) > maxTags {
		return errorf(CodeTagLimit, "Could not complete request: tag quota of per resource exceeded")
	}
	for k, v := range tags {
		if k == "" || len(k) > maxTagKey || len(v) > maxTagValue || strings.HasPrefix(k, "aws:") {
			return invalid("Tags Reason: the tag %q is not valid", k)
		}
	}
	return nil
}

// Tag adds or replaces tags on a topic.
func (s *Service) Tag(ctx context.Context, resourceArn string, tags map[string]string) error {
	return s.retag(ctx, resourceArn, func(m map[string]string) error {
		maps.Copy(m, tags)
		return checkTags(m)
	})
}

// Untag removes tags from a topic.
func (s *Service) Untag(ctx context.Context, resourceArn string, keys []string) error {
	return s.retag(ctx, resourceArn, func(m map[string]string) error {
		for _, k := range keys {
			delete(m, k)
		}
		return nil
	})
}

func (s *Service) retag(ctx context.Context, resourceArn string, change func(map[string]string) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.tagged(resourceArn)
	if err != nil {
		return err
	}
	m := maps.Clone(t.Tags)
	if m == nil {
		m = map[string]string{}
	}
	if err := change(m); err != nil {
		return err
	}
	nt := *t
	nt.Tags = m
	if err := s.saveTopic(ctx, &nt); err != nil {
		return err
	}
	t.Tags = m
	return nil
}

// Tags lists a topic's tags.
func (s *Service) Tags(resourceArn string) (map[string]string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, err := s.tagged(resourceArn)
	if err != nil {
		return nil, err
	}
	return maps.Clone(t.Tags), nil
}

// tagged is the topic a tagging call names: ResourceNotFound otherwise.
func (s *Service) tagged(resourceArn string) (*topic, error) {
	t := s.topics[TopicName(resourceArn)]
	if t == nil {
		return nil, errorf(CodeResourceNotFound, "Resource does not exist")
	}
	return t, nil
}
