package stack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
)

// A queueInfo is a declared queue while the stack resolves.
type queueInfo struct {
	q          *Queue
	fifo       bool
	visibility int    // seconds, SQS's default applied
	at         pos    // where it is declared
	what       string // how messages name its declaration: sqs-queue "jobs"
	// allow is the RedriveAllowPolicy's redrivePermission ("" for
	// allowAll) and sources its sourceQueueArns.
	allow   string
	sources []string
}

// A topicInfo is a declared topic while the stack resolves.
type topicInfo struct {
	t    *Topic
	fifo bool
	at   pos
	what string
}

// queueState is what the resolver collects about queues and topics.
type queueState struct {
	queues      map[string]*queueInfo // by SQS name
	stackQueues map[string]*queueInfo // by sqs-queue resource name
	topics      map[string]*topicInfo // by SNS name
	stackTopics map[string]*topicInfo // by sns-topic resource name
	cf          map[string]*CfResource
	cfNames     []string
	cfQueues    map[string]*queueInfo // by logical id
	cfTopics    map[string]*topicInfo // by logical id
	triggers    []QueueTrigger
	subs        []TopicSubscription
	// seen are the triggers and subscriptions so far, by queue or topic
	// and target, for duplicates.
	seen map[string]pos
	// eventCount is each function's number of events; nextIndex the next
	// Index of a cloudformationResources subscription, by function ("" for
	// queues).
	eventCount, nextIndex map[string]int
}

func newQueueState() queueState {
	return queueState{
		queues: map[string]*queueInfo{}, stackQueues: map[string]*queueInfo{},
		topics: map[string]*topicInfo{}, stackTopics: map[string]*topicInfo{},
		cf: map[string]*CfResource{}, cfQueues: map[string]*queueInfo{}, cfTopics: map[string]*topicInfo{},
		seen: map[string]pos{}, eventCount: map[string]int{}, nextIndex: map[string]int{},
	}
}

// queueName is SQS's and SNS's rule for names, ".fifo" removed.
var queueName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// declareQueues declares the stack's queues and topics, then resolves
// the redrive policies, which may name any queue.
func (r *resolver) declareQueues(s *Stack) {
	for _, c := range s.CloudformationResources {
		if _, dup := r.qs.cf[c.Name]; !dup {
			r.qs.cf[c.Name] = c
			r.qs.cfNames = append(r.qs.cfNames, c.Name)
		}
	}
	for _, res := range s.Resources {
		switch p := res.Properties.(type) {
		case *SQSQueueProps:
			r.sqsQueue(res, p)
		case *SNSTopicProps:
			r.snsTopic(res, p)
		}
	}
	for _, c := range s.CloudformationResources {
		switch p := c.Properties.(type) {
		case *CfQueueProps:
			r.cfQueue(c, p)
		case *CfTopicProps:
			r.cfTopic(c, p)
		}
	}
	for _, res := range s.Resources {
		if p, ok := res.Properties.(*SQSQueueProps); ok && p.RedrivePolicy != nil {
			r.sqsRedrive(r.qs.stackQueues[res.Name], p.RedrivePolicy)
		}
	}
	for _, c := range s.CloudformationResources {
		if p, ok := c.Properties.(*CfQueueProps); ok && p.RedrivePolicy != nil {
			r.cfRedrive(r.qs.cfQueues[c.Name], p.RedrivePolicy)
		}
	}
}

// sqsQueue declares an sqs-queue.
func (r *resolver) sqsQueue(res *Resource, p *SQSQueueProps) {
	at, _ := r.d.pos(res)
	name := res.Name
	if p.FifoEnabled {
		name += fifoSuffix
	}
	info := &queueInfo{q: &Queue{Resource: res.Name, Name: name, Attributes: map[string]string{}}, fifo: p.FifoEnabled, visibility: defaultVisibility, at: at, what: fmt.Sprintf("%s %q", res.Type, res.Name)}
	a := info.q.Attributes
	r.attrInt(a, attrDelaySeconds, p.DelayMessagesSecond, "delayMessagesSecond", 0, maxDelaySeconds, "seconds")
	if second, ok := r.d.key(&p.DelayMessagesSeconds); ok {
		if first, ok := r.d.key(&p.DelayMessagesSecond); ok {
			r.d.errorf(second, "delayMessagesSeconds cannot be used with delayMessagesSecond (line %d): they are one property", first.line)
		}
		r.attrInt(a, attrDelaySeconds, p.DelayMessagesSeconds, "delayMessagesSeconds", 0, maxDelaySeconds, "seconds")
	}
	r.attrInt(a, attrMaximumMessageSize, p.MaxMessageSizeBytes, "maxMessageSizeBytes", minMessageSize, maxMessageSize, "bytes")
	r.attrInt(a, attrMessageRetentionPeriod, p.MessageRetentionPeriodSeconds, "messageRetentionPeriodSeconds", minRetentionSeconds, maxRetentionSeconds, "seconds")
	r.attrInt(a, attrReceiveMessageWaitTime, p.LongPollingSeconds, "longPollingSeconds", 0, maxWaitTimeSeconds, "seconds")
	if v, ok := r.attrInt(a, attrVisibilityTimeout, p.VisibilityTimeoutSeconds, "visibilityTimeoutSeconds", 0, maxVisibilitySeconds, "seconds"); ok {
		info.visibility = v
	}
	r.fifoAttrs(a, attrFifoQueue, p.FifoEnabled, "fifoEnabled", &p.ContentBasedDeduplication, "contentBasedDeduplication")
	r.fifoOnly(p.FifoEnabled, "fifoEnabled", &p.FifoHighThroughput, p.FifoHighThroughput, "fifoHighThroughput")
	if p.FifoEnabled && p.FifoHighThroughput {
		a[attrDeduplicationScope], a[attrFifoThroughputLimit] = "messageGroup", "perMessageGroupId"
	}
	r.qs.stackQueues[res.Name] = info
	r.addQueue(info)
}

// fifoOnly reports a FIFO-only property set on a standard queue or topic.
func (r *resolver) fifoOnly(fifo bool, fifoKey string, ptr any, set bool, key string) {
	if at, ok := r.d.pos(ptr); ok && set && !fifo {
		r.d.errorf(at, "%s needs %s: true (only FIFO queues and topics have it)", key, fifoKey)
	}
}

// attrInt sets attribute attr to *v when it is written and in lo..hi,
// reporting a value outside; it returns the value and whether it was set.
func (r *resolver) attrInt(attrs map[string]string, attr string, v *int, prop string, lo, hi int, unit string) (int, bool) {
	at, ok := r.d.pos(v)
	if !ok {
		return 0, false
	}
	if *v < lo || *v > hi {
		r.d.errorf(at, "%s must be between %d and %d %s, found %d", prop, lo, hi, unit, *v)
		return 0, false
	}
	attrs[attr] = strconv.Itoa(*v)
	return *v, true
}

// addQueue registers a declared queue under its SQS name, reporting a
// name taken.
func (r *resolver) addQueue(info *queueInfo) {
	if prev, dup := r.qs.queues[info.q.Name]; dup {
		r.d.errorf(info.at, "queue name %q is taken by %s (line %d): SQS queue names are unique in an account", info.q.Name, prev.what, prev.at.line)
		return
	}
	r.qs.queues[info.q.Name] = info
}

func (r *resolver) addTopic(info *topicInfo) {
	if prev, dup := r.qs.topics[info.t.Name]; dup {
		r.d.errorf(info.at, "topic name %q is taken by %s (line %d): SNS topic names are unique in an account", info.t.Name, prev.what, prev.at.line)
		return
	}
	r.qs.topics[info.t.Name] = info
}

// snsTopic declares an sns-topic.
func (r *resolver) snsTopic(res *Resource, p *SNSTopicProps) {
	at, _ := r.d.pos(res)
	name := res.Name
	if p.FifoEnabled {
		name += fifoSuffix
	}
	info := &topicInfo{t: &Topic{Resource: res.Name, Name: name, Attributes: map[string]string{}}, fifo: p.FifoEnabled, at: at, what: fmt.Sprintf("%s %q", res.Type, res.Name)}
	r.displayName(info.t.Attributes, &p.SmsDisplayName, "smsDisplayName")
	r.fifoAttrs(info.t.Attributes, attrFifoTopic, p.FifoEnabled, "fifoEnabled", &p.ContentBasedDeduplication, "contentBasedDeduplication")
	r.qs.stackTopics[res.Name] = info
	r.addTopic(info)
}

func (r *resolver) displayName(attrs map[string]string, v *string, prop string) {
	at, ok := r.d.pos(v)
	if !ok || *v == "" {
		return
	}
	if len(*v) > maxDisplayNameLength {
		r.d.errorf(at, "%s is %d characters; SNS allows %d", prop, len(*v), maxDisplayNameLength)
		return
	}
	attrs[attrDisplayName] = *v
}

// fifoAttrs sets a FIFO queue's or topic's attribute fifoAttr and its
// ContentBasedDeduplication (*cbd, under cbdKey), which a standard one
// cannot have.
func (r *resolver) fifoAttrs(a map[string]string, fifoAttr string, fifo bool, fifoKey string, cbd *bool, cbdKey string) {
	r.fifoOnly(fifo, fifoKey, cbd, *cbd, cbdKey)
	if fifo {
		a[fifoAttr] = "true"
		if *cbd {
			a[attrContentBasedDeduplication] = "true"
		}
	}
}

// cfQueue declares an AWS::SQS::Queue.
func (r *resolver) cfQueue(c *CfResource, p *CfQueueProps) {
	at, _ := r.d.pos(c)
	name := r.cfName(c.Name, &p.QueueName, "QueueName", p.FifoQueue, "FifoQueue", maxQueueNameLength)
	info := &queueInfo{q: &Queue{Resource: c.Name, Name: name, Attributes: map[string]string{}}, fifo: p.FifoQueue, visibility: defaultVisibility, at: at, what: fmt.Sprintf("%s %q", c.Type, c.Name)}
	a := info.q.Attributes
	r.attrInt(a, attrDelaySeconds, p.DelaySeconds, "DelaySeconds", 0, maxDelaySeconds, "seconds")
	r.attrInt(a, attrMaximumMessageSize, p.MaximumMessageSize, "MaximumMessageSize", minMessageSize, maxMessageSize, "bytes")
	r.attrInt(a, attrMessageRetentionPeriod, p.MessageRetentionPeriod, "MessageRetentionPeriod", minRetentionSeconds, maxRetentionSeconds, "seconds")
	r.attrInt(a, attrReceiveMessageWaitTime, p.ReceiveMessageWaitTimeSeconds, "ReceiveMessageWaitTimeSeconds", 0, maxWaitTimeSeconds, "seconds")
	if v, ok := r.attrInt(a, attrVisibilityTimeout, p.VisibilityTimeout, "VisibilityTimeout", 0, maxVisibilitySeconds, "seconds"); ok {
		info.visibility = v
	}
	r.fifoAttrs(a, attrFifoQueue, p.FifoQueue, "FifoQueue", &p.ContentBasedDeduplication, "ContentBasedDeduplication")
	r.fifoChoice(a, p.FifoQueue, &p.DeduplicationScope, "DeduplicationScope", attrDeduplicationScope, "messageGroup", "queue")
	r.fifoChoice(a, p.FifoQueue, &p.FifoThroughputLimit, "FifoThroughputLimit", attrFifoThroughputLimit, "perMessageGroupId", "perQueue")
	if a[attrFifoThroughputLimit] == "perMessageGroupId" && a[attrDeduplicationScope] == "queue" {
		tat, _ := r.d.pos(&p.FifoThroughputLimit)
		r.d.errorf(tat, "FifoThroughputLimit perMessageGroupId needs DeduplicationScope messageGroup (SQS's rule for high-throughput FIFO queues)")
	}
	if jat, ok := r.d.pos(&p.RedriveAllowPolicy); ok {
		if pol, err := redriveAllow(p.RedriveAllowPolicy); err != nil {
			r.d.errorf(jat, "RedriveAllowPolicy %v", err)
		} else {
			a[attrRedriveAllowPolicy] = pol.text
			info.allow, info.sources = pol.Permission, pol.Sources
		}
	}
	info.q.Tags = r.tags(&p.Tags, maxQueueTags)
	r.qs.cfQueues[c.Name] = info
	r.addQueue(info)
}

// cfName is a CloudFormation queue's or topic's name: *name (under
// nameKey) when written and valid, else the logical id, ".fifo" appended
// for a FIFO one.
func (r *resolver) cfName(logicalID string, name *string, nameKey string, fifo bool, fifoKey string, maxLen int) string {
	if at, ok := r.d.pos(name); ok {
		msg := checkName(*name, fifo, maxLen, fifoKey)
		if msg == "" {
			return *name
		}
		r.d.errorf(at, "%s %q %s", nameKey, *name, msg)
	}
	if fifo {
		return logicalID + fifoSuffix
	}
	return logicalID
}

// checkName returns what is wrong with an SQS queue or SNS topic name, or
// "": fifoKey is the property that makes it FIFO.
func checkName(name string, fifo bool, maxLen int, fifoKey string) string {
	base, hasSuffix := strings.CutSuffix(name, fifoSuffix)
	switch {
	case len(name) > maxLen:
		return fmt.Sprintf("is longer than %d characters", maxLen)
	case !queueName.MatchString(base):
		return "may hold only letters, digits, '-' and '_' (and end in .fifo for FIFO)"
	case fifo && !hasSuffix:
		return fmt.Sprintf("must end in .fifo: %s is true", fifoKey)
	case !fifo && hasSuffix:
		return fmt.Sprintf("ends in .fifo, which only FIFO names may: set %s: true", fifoKey)
	}
	return ""
}

// fifoChoice sets a FIFO queue's attribute from *v, one of values.
func (r *resolver) fifoChoice(attrs map[string]string, fifo bool, v *string, prop, attr string, values ...string) {
	at, ok := r.d.pos(v)
	switch {
	case !ok:
	case !fifo:
		r.d.errorf(at, "%s needs FifoQueue: true (only FIFO queues have it)", prop)
	case !slices.Contains(values, *v):
		r.d.errorf(at, "%s must be %s, found %q", prop, strings.Join(values, " or "), *v)
	default:
		attrs[attr] = *v
	}
}

// An allowPolicy is a RedriveAllowPolicy.
type allowPolicy struct {
	Permission string   `json:"redrivePermission"`
	Sources    []string `json:"sourceQueueArns"`
	text       string
}

// redriveAllow reads a RedriveAllowPolicy: a mapping, or JSON in a string.
func redriveAllow(j JSON) (allowPolicy, error) {
	b, err := jsonObject(j)
	if err != nil {
		return allowPolicy{}, err
	}
	var p allowPolicy
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return allowPolicy{}, fmt.Errorf("must be {redrivePermission: allowAll | denyAll | byQueue, sourceQueueArns: [ARN...]}: %v", err)
	}
	switch {
	case p.Permission != "allowAll" && p.Permission != "denyAll" && p.Permission != "byQueue":
		return allowPolicy{}, fmt.Errorf("redrivePermission must be allowAll, denyAll or byQueue, found %q", p.Permission)
	case p.Permission == "byQueue" && (len(p.Sources) < 1 || len(p.Sources) > 10):
		return allowPolicy{}, fmt.Errorf("byQueue needs 1 to 10 sourceQueueArns, found %d", len(p.Sources))
	case p.Permission != "byQueue" && len(p.Sources) > 0:
		return allowPolicy{}, fmt.Errorf("sourceQueueArns go with redrivePermission byQueue only")
	}
	p.text = string(b)
	return p, nil
}

// jsonObject returns the compact JSON object a JSON value holds: written
// as a mapping, or as JSON in a string.
func jsonObject(j JSON) ([]byte, error) {
	b := []byte(j)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil || !json.Valid([]byte(s)) {
			return nil, fmt.Errorf("is a string but not JSON: write a mapping, or a JSON object in a string")
		}
		b = []byte(s)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return nil, fmt.Errorf("is not JSON: %v", err)
	}
	if buf.Len() == 0 || buf.Bytes()[0] != '{' {
		return nil, fmt.Errorf("must be a mapping, found %s", jsonKind(buf.Bytes()))
	}
	return buf.Bytes(), nil
}

// tags resolves CloudFormation tags.
func (r *resolver) tags(list *[]CfTag, most int) map[string]string {
	ts := *list
	if len(ts) == 0 {
		return nil
	}
	out := map[string]string{}
	for i := range ts {
		kat, kok := r.d.pos(&ts[i].Key)
		vat, vok := r.d.pos(&ts[i].Value)
		switch {
		case !kok || !vok:
		case ts[i].Key == "" || len(ts[i].Key) > maxTagKeyLength:
			r.d.errorf(kat, "tag Key must be 1 to %d characters", maxTagKeyLength)
		case len(ts[i].Value) > maxTagValueLength:
			r.d.errorf(vat, "tag Value must be at most %d characters", maxTagValueLength)
		case slices.ContainsFunc(ts[:i], func(t CfTag) bool { return t.Key == ts[i].Key }):
			r.d.errorf(kat, "tag %q is set twice", ts[i].Key)
		default:
			out[ts[i].Key] = ts[i].Value
		}
	}
	if len(out) > most {
		at, _ := r.d.key(list)
		r.d.errorf(at, "%d tags; at most %d are allowed", len(out), most)
	}
	return out
}

// cfTopic declares an AWS::SNS::Topic; its subscriptions are resolved
// with the functions' events (cfSubscriptions).
func (r *resolver) cfTopic(c *CfResource, p *CfTopicProps) {
	at, _ := r.d.pos(c)
	name := r.cfName(c.Name, &p.TopicName, "TopicName", p.FifoTopic, "FifoTopic", maxTopicNameLength)
	info := &topicInfo{t: &Topic{Resource: c.Name, Name: name, Attributes: map[string]string{}}, fifo: p.FifoTopic, at: at, what: fmt.Sprintf("%s %q", c.Type, c.Name)}
	r.displayName(info.t.Attributes, &p.DisplayName, "DisplayName")
	r.fifoAttrs(info.t.Attributes, attrFifoTopic, p.FifoTopic, "FifoTopic", &p.ContentBasedDeduplication, "ContentBasedDeduplication")
	info.t.Tags = r.tags(&p.Tags, maxQueueTags)
	r.qs.cfTopics[c.Name] = info
	r.addTopic(info)
}

// sqsRedrive resolves an sqs-queue's redrivePolicy.
func (r *resolver) sqsRedrive(info *queueInfo, rp *RedrivePolicy) {
	var target *queueInfo
	var at pos
	switch key := r.oneOf(rp, "a redrivePolicy", "names one dead-letter queue", option{"targetSqsQueueName", &rp.TargetSqsQueueName}, option{"targetSqsQueueArn", &rp.TargetSqsQueueArn}); key {
	case "targetSqsQueueName":
		at, _ = r.d.pos(&rp.TargetSqsQueueName)
		target = r.queueByName(&rp.TargetSqsQueueName, key)
	case "targetSqsQueueArn":
		at, _ = r.d.pos(&rp.TargetSqsQueueArn)
		target = r.queueTarget(&rp.TargetSqsQueueArn, key)
	}
	r.redrive(info, target, at, &rp.MaxReceiveCount, "maxReceiveCount")
}

// cfRedrive resolves an AWS::SQS::Queue's RedrivePolicy.
func (r *resolver) cfRedrive(info *queueInfo, rp *CfRedrivePolicy) {
	at, _ := r.d.pos(&rp.DeadLetterTargetArn.Template)
	r.redrive(info, r.queueTarget(&rp.DeadLetterTargetArn.Template, "deadLetterTargetArn"), at, &rp.MaxReceiveCount, "maxReceiveCount")
}

// redrive sets info's RedrivePolicy to target, checking SQS's rules.
func (r *resolver) redrive(info, target *queueInfo, at pos, count *int, countKey string) {
	n, ok := 0, false
	if cat, written := r.d.pos(count); written {
		if n = *count; n < minMaxReceiveCount || n > maxMaxReceiveCount {
			r.d.errorf(cat, "%s must be between %d and %d receives, found %d", countKey, minMaxReceiveCount, maxMaxReceiveCount, n)
		} else {
			ok = true
		}
	}
	if info == nil || target == nil {
		return
	}
	kind := map[bool]string{true: "FIFO", false: "standard"}
	src := arn.Queue(info.q.Name)
	switch {
	case info.fifo != target.fifo:
		r.d.errorf(at, "queue %q is %s but its dead-letter queue %q is %s: SQS needs a dead-letter queue of the same kind", info.q.Name, kind[info.fifo], target.q.Name, kind[target.fifo])
	case target.allow == "denyAll":
		r.d.errorf(at, "queue %q cannot be the dead-letter queue of %q: its RedriveAllowPolicy is denyAll", target.q.Name, info.q.Name)
	case target.allow == "byQueue" && !slices.Contains(target.sources, src):
		r.d.errorf(at, "queue %q cannot be the dead-letter queue of %q: its RedriveAllowPolicy's sourceQueueArns do not list %s", target.q.Name, info.q.Name, src)
	case ok:
		info.q.Attributes[attrRedrivePolicy] = fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":%d}`, arn.Queue(target.q.Name), n)
	}
}

// An option is one of the keys oneOf chooses from.
type option struct {
	key string
	ptr any
}

// oneOf returns the key of the one option written in props (a pointer to
// the decoded struct, named what), reporting none or several; why ends the
// message about several ("subscribes to one topic"). It returns "" when
// there is a problem.
func (r *resolver) oneOf(props any, what, why string, opts ...option) string {
	type written struct {
		key string
		at  pos
	}
	var ws []written
	for _, o := range opts {
		if at, ok := r.d.key(o.ptr); ok {
			ws = append(ws, written{o.key, at})
		}
	}
	switch len(ws) {
	case 0:
		at, _ := r.d.pos(props)
		keys := make([]string, len(opts))
		for i, o := range opts {
			keys[i] = o.key
		}
		r.d.errorf(at, "%s needs one of %s", what, strings.Join(keys, ", "))
		return ""
	case 1:
		return ws[0].key
	}
	slices.SortFunc(ws, func(a, b written) int { return cmpPos(a.at, b.at) })
	for _, w := range ws[1:] {
		r.d.errorf(w.at, "%s cannot be used with %s (line %d): %s %s", w.key, ws[0].key, ws[0].at.line, what, why)
	}
	return ""
}

// eventSource resolves the queue or topic a function's event names in one
// of three ways (oneOf): name, the stack's resource by name, or either ARN
// key; at is where it is written. nil when it does not resolve.
func eventSource[T any](r *resolver, props any, what, why string, byName func(*string, string) *T, byARN func(*Template, string) *T, name, arn1, arn2 option) (v *T, at pos) {
	switch key := r.oneOf(props, what, why, name, arn1, arn2); key {
	case name.key:
		at, _ = r.d.pos(name.ptr)
		return byName(name.ptr.(*string), key), at
	case arn1.key, arn2.key:
		o := arn1
		if key == arn2.key {
			o = arn2
		}
		at, _ = r.d.pos(o.ptr)
		return byARN(o.ptr.(*Template), key), at
	}
	return nil, pos{}
}

// queueByName returns the sqs-queue resource *name written under key.
func (r *resolver) queueByName(name *string, key string) *queueInfo {
	at, ok := r.d.pos(name)
	if !ok || r.ref(at, key, *name, TypeSQSQueue) == nil {
		return nil
	}
	return r.qs.stackQueues[*name]
}

// topicByName returns the sns-topic resource *name written under key.
func (r *resolver) topicByName(name *string, key string) *topicInfo {
	at, ok := r.d.pos(name)
	if !ok || r.ref(at, key, *name, TypeSNSTopic) == nil {
		return nil
	}
	return r.qs.stackTopics[*name]
}

// queueTarget resolves a Template written under key that names a queue of
// the stack by ARN (or by URL), reporting at its position why it cannot.
func (r *resolver) queueTarget(t *Template, key string) *queueInfo {
	kind, name, ok := r.arnTarget(t, key, DestinationQueue, queueWant)
	if !ok || kind != DestinationQueue {
		return nil
	}
	return r.qs.queues[name]
}

// topicTarget is queueTarget for topics.
func (r *resolver) topicTarget(t *Template, key string) *topicInfo {
	kind, name, ok := r.arnTarget(t, key, DestinationTopic, topicWant)
	if !ok || kind != DestinationTopic {
		return nil
	}
	return r.qs.topics[name]
}

var (
	queueWant = "a queue's ARN (" + arn.Queue("NAME") + ")"
	topicWant = "a topic's ARN (" + arn.Topic("NAME") + ")"
)

// arnTarget expands *t and parses it as the ARN of a resource of kind
// (or a queue's URL), which the stack must declare; want says what key
// takes, for messages. A secret's value is never shown.
func (r *resolver) arnTarget(t *Template, key string, kind DestinationKind, want string) (DestinationKind, string, bool) {
	at, ok := r.d.pos(t)
	if !ok {
		return "", "", false
	}
	v, ok := r.expand(t)
	if !ok {
		return "", "", false
	}
	var got DestinationKind
	var name string
	var err error
	if kind == DestinationQueue && (strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://")) {
		got = DestinationQueue
		name, err = queueFromURL(v)
	} else {
		got, name, err = parseARN(v, want)
	}
	declared := got != kind ||
		kind == DestinationQueue && r.qs.queues[name] != nil ||
		kind == DestinationTopic && r.qs.topics[name] != nil ||
		kind != DestinationQueue && kind != DestinationTopic
	if strings.Contains(string(*t), "$"+directiveSecret+"(") {
		// Messages never show a secret's value, not even part of it.
		if err != nil || got != kind || !declared {
			r.d.errorf(at, "%s %q does not resolve to %s of this stack (the value is a secret, not shown)", key, string(*t), want)
			return "", "", false
		}
		return got, name, true
	}
	shown := fmt.Sprintf("%q", v)
	switch {
	case err != nil:
		r.d.errorf(at, "%s %s %v", key, shown, err)
	case got != kind:
		r.d.errorf(at, "%s %s names %s %q; it takes %s", key, shown, kindNoun[got], name, want)
	case !declared && kind == DestinationQueue:
		r.undeclared(at, key, shown, "queue", name, slices.Sorted(maps.Keys(r.qs.queues)))
	case !declared:
		r.undeclared(at, key, shown, "topic", name, slices.Sorted(maps.Keys(r.qs.topics)))
	default:
		return got, name, true
	}
	return "", "", false
}

// undeclared reports a queue or topic named by ARN that the stack does
// not declare.
func (r *resolver) undeclared(at pos, key, shown, what, name string, names []string) {
	list := "the stack declares none"
	if len(names) > 0 {
		hint := didYouMean(name, names)
		if slices.Contains(names, name+fifoSuffix) { // a FIFO name without its suffix
			hint = fmt.Sprintf("did you mean %q? ", name+fifoSuffix)
		}
		list = hint + what + "s: " + strings.Join(names, ", ")
	}
	r.d.errorf(at, "%s %s names %s %q, which the stack does not declare (%s); a %s created through the API cannot be named in the stack", key, shown, what, name, list, what)
}

// kindNoun names a destination kind in messages.
var kindNoun = map[DestinationKind]string{
	DestinationFunction: "function",
	DestinationEventBus: "event bus",
	DestinationQueue:    "queue",
	DestinationTopic:    "topic",
}

// queueFromURL reads the queue name from a queue URL of Verge's account:
// any host, path /ACCOUNT/NAME (Verge's form, and SQS's).
func queueFromURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("is not a URL: %v", err)
	}
	account, name, ok := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	switch {
	case !ok || name == "" || strings.Contains(name, "/"):
		return "", fmt.Errorf("is not a queue URL (ENDPOINT/%s/NAME)", arnAccount)
	case account != arnAccount:
		return "", fmt.Errorf("names account %q; Verge is one local account, %s", account, arnAccount)
	}
	return name, nil
}

// queueURL is the URL of queue name on endpoint: SQS's form, path
// /ACCOUNT/NAME, on Verge's AWS endpoint.
func queueURL(endpoint, name string) string {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	return strings.TrimSuffix(endpoint, "/") + "/" + arnAccount + "/" + name
}

// cfParam returns attribute attr of the cloudformationResources entry
// called name, as $CfResourceParam reads it.
func (r *resolver) cfParam(at pos, dir, name, attr string) (string, bool) {
	c := r.qs.cf[name]
	if c == nil {
		list := "the stack has none"
		if len(r.qs.cfNames) > 0 {
			list = didYouMean(name, r.qs.cfNames) + "logical ids: " + strings.Join(r.qs.cfNames, ", ")
		}
		r.d.errorf(at, "%s: no cloudformationResources entry %q (%s)", dir, name, list)
		return "", false
	}
	var attrs map[string]string
	switch c.Properties.(type) {
	case *CfQueueProps:
		if info := r.qs.cfQueues[name]; info != nil {
			u := queueURL(r.opts.Endpoint, info.q.Name)
			attrs = map[string]string{"Arn": arn.Queue(info.q.Name), "QueueName": info.q.Name, "QueueURL": u, "Ref": u}
		}
	case *CfTopicProps:
		if info := r.qs.cfTopics[name]; info != nil {
			a := arn.Topic(info.t.Name)
			attrs = map[string]string{"TopicArn": a, "Arn": a, "TopicName": info.t.Name, "Ref": a}
		}
	case *CfBucketProps:
		if b := r.bs.cf[name]; b != nil {
			attrs = cfBucketAttrs(b.Name)
		}
	case *CfStreamProps:
		if info := r.ss.cfStreams[name]; info != nil {
			attrs = cfStreamAttrs(info.s.Name)
		}
	case *CfTableProps:
		if info := r.ts.cfTables[name]; info != nil {
			attrs = cfTableAttrs(info.t)
			if attr == "StreamArn" && info.t.StreamView == "" {
				r.noStream(at, dir+": ", info)
				return "", false
			}
		}
	case *CfSubscriptionProps:
		r.d.errorf(at, "%s: %s %q has no attributes $CfResourceParam can read", dir, c.Type, name)
		return "", false
	}
	if attrs == nil {
		return "", false // its type or properties are wrong, which is reported
	}
	v, ok := attrs[attr]
	if !ok {
		names := slices.Sorted(maps.Keys(attrs))
		r.d.errorf(at, "%s: %s %q has no attribute %q (%sattributes: %s)", dir, c.Type, name, attr, didYouMean(attr, names), strings.Join(names, ", "))
	}
	return v, ok
}

// sqsTrigger checks function fn's sqs event i and adds its trigger;
// timeout is the function's.
func (r *resolver) sqsTrigger(fn string, i, timeout int, p *SQSEventProps) {
	q, qat := eventSource(r, p, "an sqs event", "reads one queue", r.queueByName, r.queueTarget,
		option{"sqsQueueName", &p.SqsQueueName}, option{"sqsQueueArn", &p.SqsQueueArn}, option{"queueArn", &p.QueueArn})
	valid := q != nil
	t := QueueTrigger{Function: fn, Index: i, BatchSize: defaultSQSBatchSize, Enabled: true}
	batchAt, batchSet := r.d.pos(p.BatchSize)
	if batchSet {
		if n := *p.BatchSize; n < 1 || n > maxSQSBatchSize {
			r.d.errorf(batchAt, "batchSize must be between 1 and %d messages, found %d", maxSQSBatchSize, n)
			valid, batchSet = false, false
		} else {
			t.BatchSize = n
		}
	}
	windowAt, windowSet := r.d.pos(p.MaxBatchWindowSeconds)
	if windowSet {
		if n := *p.MaxBatchWindowSeconds; n < 0 || n > maxSQSBatchWindow {
			r.d.errorf(windowAt, "maxBatchWindowSeconds must be between 0 and %d seconds, found %d", maxSQSBatchWindow, n)
			valid, windowSet = false, false
		} else {
			t.MaxBatchWindowSeconds = n
		}
	}
	switch {
	case q != nil && q.fifo && batchSet && t.BatchSize > maxFIFOBatchSize:
		r.d.errorf(batchAt, "batchSize must be at most %d for FIFO queue %q, found %d (Lambda's limit for FIFO queues)", maxFIFOBatchSize, q.q.Name, t.BatchSize)
		valid = false
	case q != nil && q.fifo && windowSet && t.MaxBatchWindowSeconds > 0:
		r.d.errorf(windowAt, "maxBatchWindowSeconds is not allowed for FIFO queue %q: Lambda does not batch FIFO queues by time", q.q.Name)
		valid = false
	case batchSet && t.BatchSize > maxFIFOBatchSize && t.MaxBatchWindowSeconds < 1:
		r.d.errorf(batchAt, "batchSize %d needs maxBatchWindowSeconds of at least 1: Lambda gathers more than %d messages only within a batch window", t.BatchSize, maxFIFOBatchSize)
		valid = false
	}
	if q != nil && timeout > q.visibility {
		r.d.errorf(qat, "queue %q's visibility timeout of %d seconds is less than function %q's timeout of %d seconds (Lambda: \"Queue visibility timeout: %d seconds is less than Function timeout: %d seconds\"): raise the queue's visibility timeout", q.q.Name, q.visibility, fn, timeout, q.visibility, timeout)
		valid = false
	}
	report, reportOK := r.batchItemFailures(&p.ReportBatchItemFailures, &p.FunctionResponseTypes)
	t.ReportBatchItemFailures, valid = report, valid && reportOK
	if at, ok := r.d.pos(p.MaximumConcurrency); ok {
		if n := *p.MaximumConcurrency; n < minMaximumConcurrency || n > maxMaximumConcurrency {
			r.d.errorf(at, "maximumConcurrency must be between %d and %d, found %d", minMaximumConcurrency, maxMaximumConcurrency, n)
			valid = false
		} else {
			t.MaximumConcurrency = n
		}
	}
	if _, ok := r.d.pos(p.Enabled); ok {
		t.Enabled = *p.Enabled
	}
	if !valid {
		return
	}
	t.Queue = q.q.Name
	if r.duplicate(qat, "sqs\x00"+t.Queue+"\x00"+fn, fmt.Sprintf("function %q already reads queue %q", fn, t.Queue)) {
		return
	}
	r.qs.triggers = append(r.qs.triggers, t)
}

// duplicate reports at at a trigger or subscription declared before
// under key, saying what; it records key otherwise.
func (r *resolver) duplicate(at pos, key, what string) bool {
	if first, dup := r.qs.seen[key]; dup {
		r.d.errorf(at, "%s (line %d): declare each once", what, first.line)
		return true
	}
	r.qs.seen[key] = at
	return false
}

// snsSubscription checks function fn's sns event i and adds its
// subscription.
func (r *resolver) snsSubscription(fn string, i int, p *SNSEventProps) {
	t, tat := eventSource(r, p, "an sns event", "subscribes to one topic", r.topicByName, r.topicTarget,
		option{"snsTopicName", &p.SnsTopicName}, option{"snsTopicArn", &p.SnsTopicArn}, option{"topicArn", &p.TopicArn})
	sub := TopicSubscription{Function: fn, Index: i}
	valid := t != nil
	policy, scope, ok := r.filter(&p.FilterPolicy, "filterPolicy", p.FilterPolicyScope, "filterPolicyScope")
	sub.FilterPolicy, sub.FilterPolicyScope, valid = policy, scope, valid && ok
	if df := p.OnDeliveryFailure; df != nil {
		q, ok := r.deliveryFailure(df)
		valid = valid && ok
		if q != nil {
			sub.OnDeliveryFailureQueue = q.q.Name
			if t != nil && !r.sameKind(t, q, df) {
				valid = false
			}
		}
	}
	if t != nil && t.fifo {
		r.d.errorf(tat, "FIFO topic %q cannot invoke function %q: SNS FIFO topics deliver only to SQS queues", t.t.Name, fn)
		valid = false
	}
	if !valid {
		return
	}
	sub.Topic = t.t.Name
	if r.duplicate(tat, "sns\x00"+sub.Topic+"\x00"+fn, fmt.Sprintf("function %q is already subscribed to topic %q", fn, sub.Topic)) {
		return
	}
	r.qs.subs = append(r.qs.subs, sub)
}

// sameKind reports, at the failure queue, a dead-letter queue whose kind
// is not the topic's (SNS: a FIFO topic's is FIFO, a standard topic's is
// standard).
func (r *resolver) sameKind(t *topicInfo, q *queueInfo, df *DeliveryFailure) bool {
	if t.fifo == q.fifo {
		return true
	}
	at, ok := r.d.pos(df)
	if !ok {
		return false
	}
	kind := map[bool]string{true: "FIFO", false: "standard"}
	r.d.errorf(at, "onDeliveryFailure: queue %q is %s but topic %q is %s: SNS needs a dead-letter queue of the topic's kind", q.q.Name, kind[q.fifo], t.t.Name, kind[t.fifo])
	return false
}

// deliveryFailure resolves an sns event's onDeliveryFailure queue.
func (r *resolver) deliveryFailure(df *DeliveryFailure) (*queueInfo, bool) {
	_, hasArn := r.d.key(&df.SqsQueueArn)
	_, hasURL := r.d.key(&df.SqsQueueUrl)
	opts := []option{{"sqsQueueName", &df.SqsQueueName}, {"sqsQueueArn", &df.SqsQueueArn}}
	if !hasArn {
		opts = append(opts, option{"sqsQueueUrl", &df.SqsQueueUrl})
	}
	switch r.oneOf(df, "onDeliveryFailure", "names one queue", opts...) {
	case "sqsQueueName":
		q := r.queueByName(&df.SqsQueueName, "sqsQueueName")
		return q, q != nil
	case "sqsQueueUrl":
		q := r.queueTarget(&df.SqsQueueUrl, "sqsQueueUrl")
		return q, q != nil
	case "sqsQueueArn":
		if hasURL {
			return r.arnAndURL(df)
		}
		q := r.queueTarget(&df.SqsQueueArn, "sqsQueueArn")
		return q, q != nil
	}
	return nil, false
}

// arnAndURL resolves an onDeliveryFailure written, as seed 001 writes it,
// with both sqsQueueArn and sqsQueueUrl: they must name the same queue,
// except that an sqsQueueArn naming a topic (the mistake of Stacktape's
// documented example) yields to the URL, with a warning.
func (r *resolver) arnAndURL(df *DeliveryFailure) (*queueInfo, bool) {
	byURL := r.queueTarget(&df.SqsQueueUrl, "sqsQueueUrl")
	arnAt, _ := r.d.pos(&df.SqsQueueArn)
	if v, ok := r.expand(&df.SqsQueueArn); ok && byURL != nil {
		if kind, name, err := parseARN(v, queueWant); err == nil && kind == DestinationTopic {
			r.d.warnf(arnAt, "sqsQueueArn names topic %q, not a queue; the failed messages go to sqsQueueUrl's queue %q", name, byURL.q.Name)
			return byURL, true
		}
	}
	q := r.queueTarget(&df.SqsQueueArn, "sqsQueueArn")
	if q != nil && byURL != nil && q != byURL {
		at, _ := r.d.pos(&df.SqsQueueUrl)
		r.d.errorf(at, "sqsQueueUrl names queue %q but sqsQueueArn names %q: give one of them", byURL.q.Name, q.q.Name)
		return nil, false
	}
	return q, q != nil && byURL != nil
}

// filter resolves a filter policy and its scope.
func (r *resolver) filter(j *JSON, key string, scope *string, scopeKey string) (string, string, bool) {
	sc, ok := ScopeAttributes, true
	if at, written := r.d.pos(scope); written {
		if *scope != ScopeAttributes && *scope != ScopeBody {
			r.d.errorf(at, "%s must be %s or %s, found %q", scopeKey, ScopeAttributes, ScopeBody, *scope)
			ok = false
		} else {
			sc = *scope
		}
	}
	at, written := r.d.pos(j)
	if !written {
		return "", sc, ok
	}
	b, err := jsonObject(*j)
	if err == nil {
		err = checkFilterPolicy(b, sc == ScopeBody)
	}
	if err != nil {
		r.d.errorf(at, "%s %v", key, err)
		return "", sc, false
	}
	return string(b), sc, ok
}

// checkFilterPolicy checks the shape of a compact SNS filter policy:
// keys map to lists of values or matchers, or (on the message body) to
// nested keys; "$or" to a list of policies. The operators are the
// matcher's to check.
func checkFilterPolicy(b []byte, body bool) error {
	if len(b) > maxFilterPolicyBytes {
		return fmt.Errorf("is %d bytes as JSON; SNS's limit is %d", len(b), maxFilterPolicyBytes)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("is not a JSON object: %v", err)
	}
	if len(m) == 0 {
		return fmt.Errorf("is empty: it would match nothing; leave it out to receive every message")
	}
	return checkPolicyKeys(m, body, "")
}

func checkPolicyKeys(m map[string]any, body bool, path string) error {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch v := m[k].(type) {
		case []any:
			if k == "$or" {
				if len(v) < 2 {
					return fmt.Errorf("%s$or needs at least two alternatives", path)
				}
				for _, alt := range v {
					am, ok := alt.(map[string]any)
					if !ok || len(am) == 0 {
						return fmt.Errorf("%s$or must list mappings of keys", path)
					}
					if err := checkPolicyKeys(am, body, path); err != nil {
						return err
					}
				}
				continue
			}
			if len(v) == 0 {
				return fmt.Errorf("key %q has an empty list: it would match nothing", path+k)
			}
			for _, e := range v {
				if _, isList := e.([]any); isList {
					return fmt.Errorf("key %q lists a list; write values or matchers such as {prefix: x}", path+k)
				}
			}
		case map[string]any:
			if !body {
				return fmt.Errorf("key %q maps to nested keys, which only filterPolicyScope MessageBody matches; message attributes are flat: give it a list of values or matchers", path+k)
			}
			if err := checkPolicyKeys(v, body, path+k+"."); err != nil {
				return err
			}
		default:
			return fmt.Errorf("key %q must map to a list of values or matchers (as [%s])", path+k, scalarJSON(v))
		}
	}
	return nil
}

func scalarJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// cfSubscriptions resolves the subscriptions of cloudformationResources:
// AWS::SNS::Topic's Subscription and AWS::SNS::Subscription.
func (r *resolver) cfSubscriptions(s *Stack) {
	for _, c := range s.CloudformationResources {
		switch p := c.Properties.(type) {
		case *CfTopicProps:
			t := r.qs.cfTopics[c.Name]
			for i := range p.Subscription {
				sub := &p.Subscription[i]
				if _, ok := r.d.pos(sub); ok {
					r.cfSubscription(c.Name, t, &sub.Protocol, &sub.Endpoint, TopicSubscription{FilterPolicyScope: ScopeAttributes}, true)
				}
			}
		case *CfSubscriptionProps:
			r.cfSubscriptionResource(c.Name, p)
		}
	}
}

func (r *resolver) cfSubscriptionResource(name string, p *CfSubscriptionProps) {
	t := r.topicTarget(&p.TopicArn.Template, "TopicArn")
	valid := t != nil
	if at, ok := r.d.pos(&p.Region); ok && p.Region != arnRegion {
		r.d.errorf(at, "Region %q: Verge is one region, %s", p.Region, arnRegion)
		valid = false
	}
	sub := TopicSubscription{RawMessageDelivery: p.RawMessageDelivery}
	policy, scope, ok := r.filter(&p.FilterPolicy, "FilterPolicy", p.FilterPolicyScope, "FilterPolicyScope")
	sub.FilterPolicy, sub.FilterPolicyScope, valid = policy, scope, valid && ok
	if rp := p.RedrivePolicy; rp != nil {
		q := r.queueTarget(&rp.DeadLetterTargetArn.Template, "deadLetterTargetArn")
		valid = valid && q != nil
		if q != nil {
			sub.OnDeliveryFailureQueue = q.q.Name
			if t != nil && t.fifo != q.fifo {
				at, _ := r.d.pos(&rp.DeadLetterTargetArn.Template)
				kind := map[bool]string{true: "FIFO", false: "standard"}
				r.d.errorf(at, "deadLetterTargetArn: queue %q is %s but topic %q is %s: SNS needs a dead-letter queue of the topic's kind", q.q.Name, kind[q.fifo], t.t.Name, kind[t.fifo])
				valid = false
			}
		}
	}
	if rat, ok := r.d.pos(&p.RawMessageDelivery); ok && p.RawMessageDelivery && p.Protocol != "sqs" {
		r.d.errorf(rat, "RawMessageDelivery applies to sqs subscriptions only: a function always receives SNS's Records event")
		valid = false
	}
	r.cfSubscription(name, t, &p.Protocol, &p.Endpoint, sub, valid)
}

// cfSubscription resolves one subscription of cloudformationResources
// entry source to topic t (nil when it did not resolve).
func (r *resolver) cfSubscription(source string, t *topicInfo, protocol *string, endpoint *CfString, sub TopicSubscription, valid bool) {
	sub.Source = source
	pat, ok := r.d.pos(protocol)
	if !ok {
		return
	}
	eat, _ := r.d.pos(&endpoint.Template)
	switch *protocol {
	case "lambda":
		kind, name, ok := r.arnTarget(&endpoint.Template, "Endpoint", DestinationFunction, "a function's ARN ("+functionARNPrefix+"NAME)")
		if !ok || kind != DestinationFunction || r.ref(eat, "Endpoint", name, TypeFunction) == nil || !valid || t == nil {
			return
		}
		if t.fifo {
			r.d.errorf(eat, "FIFO topic %q cannot invoke function %q: SNS FIFO topics deliver only to SQS queues", t.t.Name, name)
			return
		}
		sub.Function = name
	case "sqs":
		q := r.queueTarget(&endpoint.Template, "Endpoint")
		if q == nil || !valid || t == nil {
			return
		}
		if q.fifo && !t.fifo {
			r.d.errorf(eat, "standard topic %q cannot deliver to FIFO queue %q: SNS delivers to FIFO queues from FIFO topics only", t.t.Name, q.q.Name)
			return
		}
		sub.Queue = q.q.Name
	default:
		r.d.errorf(pat, "Protocol %q: the stack subscribes lambda and sqs endpoints; subscribe http and https endpoints with the Subscribe API", *protocol)
		return
	}
	sub.Topic = t.t.Name
	target := sub.Function
	if target == "" {
		target = "queue " + sub.Queue
	}
	if r.duplicate(eat, "sns\x00"+sub.Topic+"\x00"+target, fmt.Sprintf("%s is already subscribed to topic %q", strings.TrimPrefix(target, "queue "), sub.Topic)) {
		return
	}
	// (Function, Index) stays unique: a function's cloudformation
	// subscriptions are numbered after its events.
	sub.Index = r.qs.eventCount[sub.Function] + r.qs.nextIndex[sub.Function]
	r.qs.nextIndex[sub.Function]++
	r.qs.subs = append(r.qs.subs, sub)
}

// finishQueues returns the queues, topics, triggers and subscriptions,
// sorted.
func (r *resolver) finishQueues() ([]Queue, []Topic, []QueueTrigger, []TopicSubscription) {
	var queues []Queue
	for _, info := range r.qs.queues {
		if len(info.q.Attributes) == 0 {
			info.q.Attributes = nil
		}
		queues = append(queues, *info.q)
	}
	slices.SortFunc(queues, func(a, b Queue) int { return strings.Compare(a.Name, b.Name) })
	var topics []Topic
	for _, info := range r.qs.topics {
		if len(info.t.Attributes) == 0 {
			info.t.Attributes = nil
		}
		topics = append(topics, *info.t)
	}
	slices.SortFunc(topics, func(a, b Topic) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(r.qs.triggers, func(a, b QueueTrigger) int { return cmpEvent(a.Function, b.Function, a.Index, b.Index) })
	slices.SortFunc(r.qs.subs, func(a, b TopicSubscription) int { return cmpEvent(a.Function, b.Function, a.Index, b.Index) })
	return queues, topics, r.qs.triggers, r.qs.subs
}
