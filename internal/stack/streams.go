package stack

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
)

// A streamInfo is a declared stream while the stack resolves.
type streamInfo struct {
	s    *Stream
	at   pos    // where it is declared
	what string // how messages name its declaration: kinesis-stream "clicks"
}

// streamState is what the resolver collects about streams.
type streamState struct {
	streams      map[string]*streamInfo // by Kinesis name
	stackStreams map[string]*streamInfo // by kinesis-stream resource name
	cfStreams    map[string]*streamInfo // by logical id
	triggers     []StreamTrigger
	// consumers are the consumers the triggers read through, by stream,
	// each with where it is first named, for Kinesis's quota.
	consumers map[string]map[string]pos
}

func newStreamState() streamState {
	return streamState{
		streams: map[string]*streamInfo{}, stackStreams: map[string]*streamInfo{}, cfStreams: map[string]*streamInfo{},
		consumers: map[string]map[string]pos{},
	}
}

// streamName is Kinesis's rule for stream and consumer names, length
// aside.
var streamName = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)

// checkStreamName says what is wrong with a stream or consumer name, ""
// if nothing.
func checkStreamName(name string) string {
	switch {
	case name == "" || len(name) > maxStreamName:
		return fmt.Sprintf("must be 1 to %d characters", maxStreamName)
	case !streamName.MatchString(name):
		return "may hold only letters, digits, '_', '.' and '-'"
	}
	return ""
}

// declareStreams declares the stack's kinesis-stream resources and
// cloudformationResources streams.
func (r *resolver) declareStreams(s *Stack) {
	for _, res := range s.Resources {
		if p, ok := res.Properties.(*KinesisStreamProps); ok {
			r.kinesisStream(res, p)
		}
	}
	for _, c := range s.CloudformationResources {
		if p, ok := c.Properties.(*CfStreamProps); ok {
			r.cfStream(c, p)
		}
	}
}

// kinesisStream declares a kinesis-stream.
func (r *resolver) kinesisStream(res *Resource, p *KinesisStreamProps) {
	at, _ := r.d.pos(res)
	st := &Stream{Resource: res.Name, Name: res.Name, Mode: StreamOnDemand,
		RetentionHours: r.intIn(p.RetentionPeriodHours, "retentionPeriodHours", minRetentionHours, maxRetentionHours, minRetentionHours, "hours")}
	modeOK := true
	if mat, ok := r.d.pos(p.CapacityMode); ok {
		st.Mode, modeOK = r.streamMode(mat, "capacityMode", *p.CapacityMode, StreamOnDemand)
	}
	switch sat, written := r.d.key(&p.ShardCount); {
	case st.Mode == StreamProvisioned:
		st.ShardCount = r.intIn(p.ShardCount, "shardCount", 1, maxShardCount, defaultShardCount, "shards")
	case written && modeOK:
		r.d.warnf(sat, "shardCount is ignored: an on-demand stream has %d shards locally, as a new one has on AWS (capacityMode: PROVISIONED sets the count)", onDemandShards)
	}
	if e := p.Encryption; e != nil && e.Enabled {
		eat, _ := r.d.key(&p.Encryption)
		r.d.warnf(eat, "encryption is ignored: there is no KMS locally; records are kept unencrypted in Verge's data folder")
	}
	if fat, ok := r.d.key(&p.EnableEnhancedFanOut); ok && p.EnableEnhancedFanOut {
		r.d.warnf(fat, "enableEnhancedFanOut changes nothing locally: any consumer (one registered with RegisterConsumer, or a kinesis-stream event's autoCreateConsumer) reads with enhanced fan-out")
	}
	info := &streamInfo{s: st, at: at, what: fmt.Sprintf("%s %q", res.Type, res.Name)}
	r.ss.stackStreams[res.Name] = info
	r.addStream(info)
}

// streamMode checks a capacity mode written under key, returning def when
// it is wrong (reported).
func (r *resolver) streamMode(at pos, key, mode, def string) (string, bool) {
	if mode != StreamOnDemand && mode != StreamProvisioned {
		r.d.errorf(at, "%s must be %s or %s, found %q", key, StreamOnDemand, StreamProvisioned, mode)
		return def, false
	}
	return mode, true
}

// cfStream declares an AWS::Kinesis::Stream.
func (r *resolver) cfStream(c *CfResource, p *CfStreamProps) {
	at, _ := r.d.pos(c)
	st := &Stream{Resource: c.Name, Name: c.Name, Mode: StreamProvisioned,
		RetentionHours: r.intIn(p.RetentionPeriodHours, "RetentionPeriodHours", minRetentionHours, maxRetentionHours, minRetentionHours, "hours")}
	if nat, ok := r.d.pos(&p.Name); ok {
		if msg := checkStreamName(p.Name); msg != "" {
			r.d.errorf(nat, "Name %q %s", p.Name, msg)
		} else {
			st.Name = p.Name
		}
	}
	if md := p.StreamModeDetails; md != nil {
		if mat, ok := r.d.pos(&md.StreamMode); ok {
			st.Mode, _ = r.streamMode(mat, "StreamMode", md.StreamMode, StreamProvisioned)
		}
	}
	if st.Mode == StreamProvisioned {
		st.ShardCount = r.intIn(p.ShardCount, "ShardCount", 1, maxShardCount, defaultShardCount, "shards")
	} else if sat, ok := r.d.key(&p.ShardCount); ok {
		r.d.errorf(sat, "ShardCount is not expected when StreamMode=ON_DEMAND (CloudFormation's rule): an on-demand stream manages its shards (%d locally)", onDemandShards)
	}
	if _, ok := r.d.pos(p.StreamEncryption); ok {
		eat, _ := r.d.key(&p.StreamEncryption)
		r.d.warnf(eat, "StreamEncryption is ignored: there is no KMS locally; records are kept unencrypted in Verge's data folder")
	}
	st.Tags = r.tags(&p.Tags, maxStreamTags)
	info := &streamInfo{s: st, at: at, what: fmt.Sprintf("%s %q", c.Type, c.Name)}
	r.ss.cfStreams[c.Name] = info
	r.addStream(info)
}

// addStream registers a declared stream under its Kinesis name, reporting
// a name taken.
func (r *resolver) addStream(info *streamInfo) {
	if prev, dup := r.ss.streams[info.s.Name]; dup {
		r.d.errorf(info.at, "stream name %q is taken by %s (line %d): Kinesis stream names are unique in an account", info.s.Name, prev.what, prev.at.line)
		return
	}
	r.ss.streams[info.s.Name] = info
}

// cfStreamAttrs are the attributes $CfResourceParam reads of a stream.
func cfStreamAttrs(name string) map[string]string {
	return map[string]string{"Arn": arn.Stream(name), "Ref": name}
}

// kinesisTrigger checks function fn's kinesis-stream event i and adds its
// trigger.
func (r *resolver) kinesisTrigger(fn string, i int, p *KinesisEventProps) {
	st, sat := r.eventStream(p)
	t := StreamTrigger{
		Function: fn, Index: i, Kind: TriggerKinesis,
		BatchSize:                  r.intIn(p.BatchSize, "batchSize", 1, maxStreamBatch, defaultStreamBatch, "records"),
		MaxBatchWindowSeconds:      r.intIn(p.MaxBatchWindowSeconds, "maxBatchWindowSeconds", 0, maxStreamBatchWindow, 0, "seconds"),
		MaximumRetryAttempts:       r.orUnlimited(p.MaximumRetryAttempts, "maximumRetryAttempts", 0, maxStreamRetries, "retries", "retry until the records expire"),
		MaximumRecordAgeSeconds:    r.orUnlimited(p.MaximumRecordAgeInSeconds, "maximumRecordAgeInSeconds", minRecordAgeSeconds, maxRecordAgeSeconds, "seconds", "no limit"),
		ParallelizationFactor:      r.intIn(p.ParallelizationFactor, "parallelizationFactor", 1, maxParallelization, 1, "batches"),
		TumblingWindowSeconds:      r.intIn(p.TumblingWindowInSeconds, "tumblingWindowInSeconds", 0, maxTumblingWindow, 0, "seconds"),
		Enabled:                    true,
		BisectBatchOnFunctionError: p.BisectBatchOnFunctionError,
	}
	t.StartingPosition, t.StartingPositionTimestamp = r.startingPosition(p)
	report, reportOK := r.batchItemFailures(&p.ReportBatchItemFailures, &p.FunctionResponseTypes)
	t.ReportBatchItemFailures = report
	if _, ok := r.d.pos(p.Enabled); ok {
		t.Enabled = *p.Enabled
	}
	var failureOK bool
	t.OnFailure, failureOK = r.streamOnFailure(p.OnFailure)
	consumer, consumerOK := r.consumerName(fn, i, st, p)
	if st == nil || !reportOK || !failureOK || !consumerOK {
		return
	}
	t.Stream, t.Consumer = st.s.Name, consumer
	what := fmt.Sprintf("function %q already reads stream %q", fn, t.Stream)
	if consumer != "" {
		what += fmt.Sprintf(" through consumer %q", consumer)
	}
	if r.duplicate(sat, "kinesis\x00"+t.Stream+"\x00"+consumer+"\x00"+fn, what) {
		return
	}
	r.countConsumer(t.Stream, consumer, sat)
	r.ss.triggers = append(r.ss.triggers, t)
}

// eventStream resolves the stream an event reads, exactly one of
// kinesisStreamName and streamArn, and where it is written; nil when it
// does not resolve (reported).
func (r *resolver) eventStream(p *KinesisEventProps) (*streamInfo, pos) {
	switch key := r.oneOf(p, "a kinesis-stream event", "reads one stream", option{"kinesisStreamName", &p.KinesisStreamName}, option{"streamArn", &p.StreamArn}); key {
	case "kinesisStreamName":
		at, _ := r.d.pos(&p.KinesisStreamName)
		return r.streamByName(&p.KinesisStreamName, key), at
	case "streamArn":
		at, _ := r.d.pos(&p.StreamArn)
		return r.streamTarget(&p.StreamArn, key), at
	}
	return nil, pos{}
}

// orUnlimited returns *v, or unlimited when absent, reporting a value
// that is neither unlimited (which means what) nor in lo..hi.
func (r *resolver) orUnlimited(v *int, prop string, lo, hi int, unit, what string) int {
	at, ok := r.d.pos(v)
	if !ok {
		return unlimited
	}
	if *v != unlimited && (*v < lo || *v > hi) {
		r.d.errorf(at, "%s must be %d (%s) or between %d and %d %s, found %d", prop, unlimited, what, lo, hi, unit, *v)
		return unlimited
	}
	return *v
}

// startingPosition resolves an event's startingPosition and, for
// AT_TIMESTAMP, its startingPositionTimestamp.
func (r *resolver) startingPosition(p *KinesisEventProps) (string, float64) {
	start, startOK := StartTrimHorizon, true
	sat, written := r.d.pos(p.StartingPosition)
	if written {
		switch s := *p.StartingPosition; s {
		case StartTrimHorizon, StartLatest, StartAtTimestamp:
			start = s
		default:
			r.d.errorf(sat, "startingPosition must be %s, %s or %s, found %q", StartTrimHorizon, StartLatest, StartAtTimestamp, s)
			startOK = false
		}
	} else if _, bad := r.d.key(&p.StartingPosition); bad {
		startOK = false // a value of the wrong type, reported
	}
	tat, hasTime := r.d.key(&p.StartingPositionTimestamp)
	switch {
	case !startOK:
	case start == StartAtTimestamp && !hasTime:
		r.d.errorf(sat, "startingPosition %s needs startingPositionTimestamp: the time to start reading from", StartAtTimestamp)
	case start != StartAtTimestamp && hasTime:
		r.d.errorf(tat, "startingPositionTimestamp goes with startingPosition %s only (the starting position is %s)", StartAtTimestamp, start)
	case start == StartAtTimestamp:
		if _, ok := r.d.pos(p.StartingPositionTimestamp); ok {
			return start, p.StartingPositionTimestamp.Unix
		}
	}
	return start, 0
}

// batchItemFailures resolves reportBatchItemFailures and Lambda's
// spelling of it, functionResponseTypes, which may not both be written.
func (r *resolver) batchItemFailures(report *bool, types *[]string) (bool, bool) {
	at, ok := r.d.pos(types)
	if !ok {
		return *report, true
	}
	valid := true
	for j, v := range *types {
		if vat, ok := r.d.pos(&(*types)[j]); ok && v != reportBatchItemFailures {
			r.d.errorf(vat, "functionResponseTypes may hold only %s, found %q", reportBatchItemFailures, v)
			valid = false
		}
	}
	if rat, ok := r.d.key(report); ok {
		r.d.errorf(at, "functionResponseTypes cannot be used with reportBatchItemFailures (line %d): they are one setting", rat.line)
		valid = false
	}
	return len(*types) > 0, valid
}

// consumerName resolves the consumer an event reads stream st through
// (nil when the stream did not resolve: only what needs no stream is
// checked): autoCreateConsumer's FUNCTION-INDEX, consumerArn's consumer,
// or "" for none.
func (r *resolver) consumerName(fn string, i int, st *streamInfo, p *KinesisEventProps) (string, bool) {
	aat, auto := r.d.key(&p.AutoCreateConsumer)
	auto = auto && p.AutoCreateConsumer
	cat, hasARN := r.d.key(&p.ConsumerArn)
	switch {
	case auto && hasARN:
		later, earlier, key, other := aat, cat, "autoCreateConsumer", "consumerArn"
		if aat.before(cat) {
			later, earlier, key, other = cat, aat, "consumerArn", "autoCreateConsumer"
		}
		r.d.errorf(later, "%s cannot be used with %s (line %d): a kinesis-stream event reads through one consumer", key, other, earlier.line)
		return "", false
	case auto:
		name := fmt.Sprintf("%s-%d", fn, i)
		if msg := checkStreamName(name); msg != "" {
			r.d.errorf(aat, "autoCreateConsumer names the consumer %q, which %s", name, msg)
			return "", false
		}
		return name, true
	case hasARN && st != nil:
		return r.consumerTarget(&p.ConsumerArn, st)
	}
	return "", !hasARN
}

// consumerTarget resolves a consumerArn, which must name a consumer of
// stream st.
func (r *resolver) consumerTarget(t *Template, st *streamInfo) (string, bool) {
	at, ok := r.d.pos(t)
	if !ok {
		return "", false
	}
	v, ok := r.expand(t)
	if !ok {
		return "", false
	}
	stream, consumer, err := parseStreamARN(v)
	if isSecret(t) && (err != nil || consumer == "" || stream != st.s.Name) {
		r.d.errorf(at, "consumerArn %q does not resolve to the ARN of a consumer of stream %q (the value is a secret, not shown)", string(*t), st.s.Name)
		return "", false
	}
	switch {
	case err != nil:
		r.d.errorf(at, "consumerArn %q %v", v, err)
	case consumer == "":
		r.d.errorf(at, "consumerArn %q is a stream's ARN, not a consumer's (%s/consumer/NAME:EPOCH); for a consumer of its own, write autoCreateConsumer: true", v, arn.Stream(st.s.Name))
	case stream != st.s.Name:
		r.d.errorf(at, "consumerArn %q is a consumer of stream %q, but the event reads stream %q", v, stream, st.s.Name)
	default:
		return consumer, true
	}
	return "", false
}

// countConsumer records that consumer (when not "") reads stream, first
// named at at, reporting Kinesis's quota of consumers per stream.
func (r *resolver) countConsumer(stream, consumer string, at pos) {
	if consumer == "" {
		return
	}
	cs := r.ss.consumers[stream]
	if cs == nil {
		cs = map[string]pos{}
		r.ss.consumers[stream] = cs
	}
	if _, seen := cs[consumer]; seen {
		return
	}
	cs[consumer] = at
	if len(cs) == maxStreamConsumers+1 {
		r.d.errorf(at, "stream %q has more than %d consumers: Kinesis registers at most %d per stream", stream, maxStreamConsumers, maxStreamConsumers)
	}
}

// streamOnFailure resolves a stream event's onFailure destination: a
// standard queue (type sqs) or topic (type sns) of the stack. It reports
// whether there was no problem.
func (r *resolver) streamOnFailure(of *StreamOnFailure) (*Destination, bool) {
	if of == nil {
		return nil, true
	}
	tat, typeOK := r.d.pos(&of.Type)
	aat, arnOK := r.d.pos(&of.Arn)
	kinds := map[string]DestinationKind{"sqs": DestinationQueue, "sns": DestinationTopic}
	kind, known := kinds[of.Type]
	if typeOK && !known {
		r.d.errorf(tat, "onFailure type must be sqs or sns, found %q", of.Type)
	}
	if !typeOK || !known || !arnOK {
		return nil, false
	}
	v, ok := r.expand(&of.Arn)
	if !ok {
		return nil, false
	}
	if got, name, err := parseARN(v, "a queue's or topic's ARN"); err == nil && got != kind && (got == DestinationQueue || got == DestinationTopic) && !isSecret(&of.Arn) {
		r.d.errorf(aat, "onFailure arn %q names %s %q but type is %s: write type %s", v, kindNoun[got], name, of.Type, map[DestinationKind]string{DestinationQueue: "sqs", DestinationTopic: "sns"}[got])
		return nil, false
	}
	var fifo bool
	var name string
	if kind == DestinationQueue {
		q := r.queueTarget(&of.Arn, "onFailure arn")
		if q == nil {
			return nil, false
		}
		fifo, name = q.fifo, q.q.Name
	} else {
		tp := r.topicTarget(&of.Arn, "onFailure arn")
		if tp == nil {
			return nil, false
		}
		fifo, name = tp.fifo, tp.t.Name
	}
	if fifo {
		r.d.errorf(aat, "onFailure names FIFO %s %q; Lambda sends a stream's failure records only to standard queues and topics", kindNoun[kind], name)
		return nil, false
	}
	return &Destination{Kind: kind, Name: name}, true
}

// streamByName returns the kinesis-stream resource *name written under
// key.
func (r *resolver) streamByName(name *string, key string) *streamInfo {
	at, ok := r.d.pos(name)
	if !ok || r.ref(at, key, *name, TypeKinesisStream) == nil {
		return nil
	}
	return r.ss.stackStreams[*name]
}

// streamWant says what a streamArn takes, for messages.
var streamWant = "a stream's ARN (" + arn.Stream("NAME") + ")"

// streamTarget resolves a Template written under key that names a stream
// of the stack by ARN, reporting at its position why it cannot.
func (r *resolver) streamTarget(t *Template, key string) *streamInfo {
	at, ok := r.d.pos(t)
	if !ok {
		return nil
	}
	v, ok := r.expand(t)
	if !ok {
		return nil
	}
	name, consumer, err := parseStreamARN(v)
	info := r.ss.streams[name]
	if isSecret(t) {
		// Messages never show a secret's value, not even part of it.
		if err != nil || consumer != "" || info == nil {
			r.d.errorf(at, "%s %q does not resolve to %s of this stack (the value is a secret, not shown)", key, string(*t), streamWant)
			return nil
		}
		return info
	}
	switch {
	case err != nil:
		r.d.errorf(at, "%s %q %v", key, v, err)
	case consumer != "":
		r.d.errorf(at, "%s %q is the ARN of consumer %q of stream %q; it takes the stream's ARN (%s) and the consumer goes in consumerArn", key, v, consumer, name, arn.Stream(name))
	case info == nil:
		r.undeclared(at, key, fmt.Sprintf("%q", v), "stream", name, slices.Sorted(maps.Keys(r.ss.streams)))
	default:
		return info
	}
	return nil
}

// isSecret reports whether t holds a $Secret directive, whose value
// messages must not show.
func isSecret(t *Template) bool {
	return strings.Contains(string(*t), "$"+directiveSecret+"(")
}

// parseStreamARN reads a Kinesis stream's ARN
// (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME) or a consumer's
// (…:stream/NAME/consumer/CONSUMER:EPOCH) of Verge's one local account,
// returning the stream's name and the consumer's, "" for a stream.
func parseStreamARN(s string) (stream, consumer string, err error) {
	a, err := splitARN(s, "arn", streamWant)
	switch {
	case err != nil:
		return "", "", err
	case a.service != "kinesis":
		return "", "", fmt.Errorf("is an ARN of service %q; it takes %s", a.service, streamWant)
	}
	if err := a.local("arn"); err != nil {
		return "", "", err
	}
	rest, ok := strings.CutPrefix(a.resource, "stream/")
	if !ok {
		return "", "", fmt.Errorf("is a Kinesis ARN but not a stream's (…:stream/NAME)")
	}
	stream, tail, hasTail := strings.Cut(rest, "/")
	if msg := checkStreamName(stream); msg != "" {
		return "", "", fmt.Errorf("names stream %q, whose name %s", stream, msg)
	}
	if !hasTail {
		return stream, "", nil
	}
	c, ok := strings.CutPrefix(tail, "consumer/")
	if !ok {
		return "", "", errConsumerARN
	}
	consumer, epoch, ok := strings.Cut(c, ":")
	if !ok || epoch == "" || strings.Trim(epoch, "0123456789") != "" {
		return "", "", errConsumerARN
	}
	if msg := checkStreamName(consumer); msg != "" {
		return "", "", fmt.Errorf("names consumer %q, whose name %s", consumer, msg)
	}
	return stream, consumer, nil
}

var errConsumerARN = errors.New("is neither a stream's ARN (…:stream/NAME) nor a consumer's (…:stream/NAME/consumer/CONSUMER:EPOCH)")

// finishStreams returns the streams sorted by name and the triggers by
// function, then index.
func (r *resolver) finishStreams() ([]Stream, []StreamTrigger) {
	var streams []Stream
	for _, info := range r.ss.streams {
		streams = append(streams, *info.s)
	}
	slices.SortFunc(streams, func(a, b Stream) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(r.ss.triggers, func(a, b StreamTrigger) int { return cmpEvent(a.Function, b.Function, a.Index, b.Index) })
	return streams, r.ss.triggers
}
