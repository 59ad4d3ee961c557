package awsapi

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/kinesis"
)

// Kinesis returns the data stream service's API on k: AWS JSON 1.1
// (X-Amz-Target Kinesis_20131202.*, the Go, Python and JavaScript SDKs and
// the CLI) and CBOR 1.1 (the Java SDKs and the KCL), signed for
// "kinesis". SubscribeToShard answers an event stream, which AWS serves
// over HTTP/2: the listener must accept h2c for the SDKs that insist on it.
func Kinesis(k Opener[kinesis.API]) *Service {
	a := &kinesisAPI{svc: lazy[kinesis.API]{open: k}, monitoring: map[string][]string{}, keys: map[string]string{}}
	stream, consumer, resource := a.streamResources, a.consumerResources, resourceARN
	ops := []Operation{
		{Name: "CreateStream", Resources: stream, Handle: a.createStream},
		{Name: "DeleteStream", Resources: stream, Handle: a.deleteStream},
		{Name: "DescribeStream", Resources: stream, Handle: a.describeStream},
		{Name: "DescribeStreamSummary", Resources: stream, Handle: a.describeStreamSummary},
		{Name: "ListStreams", Handle: a.listStreams},
		{Name: "DescribeLimits", Handle: a.describeLimits},
		{Name: "ListShards", Resources: stream, Handle: a.listShards},
		{Name: "PutRecord", Resources: stream, Handle: a.putRecord},
		{Name: "PutRecords", Resources: stream, Handle: a.putRecords},
		{Name: "GetShardIterator", Resources: stream, Handle: a.getShardIterator},
		{Name: "GetRecords", Resources: iteratorResources, Handle: a.getRecords},
		{Name: "UpdateShardCount", Resources: stream, Handle: a.updateShardCount},
		{Name: "SplitShard", Resources: stream, Handle: a.splitShard},
		{Name: "MergeShards", Resources: stream, Handle: a.mergeShards},
		{Name: "UpdateStreamMode", Resources: stream, Handle: a.updateStreamMode},
		{Name: "IncreaseStreamRetentionPeriod", Resources: stream, Handle: a.increaseRetention},
		{Name: "DecreaseStreamRetentionPeriod", Resources: stream, Handle: a.decreaseRetention},
		{Name: "AddTagsToStream", Resources: stream, Handle: a.addTagsToStream},
		{Name: "RemoveTagsFromStream", Resources: stream, Handle: a.removeTagsFromStream},
		{Name: "ListTagsForStream", Resources: stream, Handle: a.listTagsForStream},
		{Name: "TagResource", Resources: resource, Handle: a.tagResource},
		{Name: "UntagResource", Resources: resource, Handle: a.untagResource},
		{Name: "ListTagsForResource", Resources: resource, Handle: a.listTagsForResource},
		{Name: "RegisterStreamConsumer", Resources: stream, Handle: a.registerStreamConsumer},
		{Name: "DescribeStreamConsumer", Resources: consumer, Handle: a.describeStreamConsumer},
		{Name: "ListStreamConsumers", Resources: stream, Handle: a.listStreamConsumers},
		{Name: "DeregisterStreamConsumer", Resources: consumer, Handle: a.deregisterStreamConsumer},
		{Name: "SubscribeToShard", Resources: consumer, Handle: a.subscribeToShard},
		{Name: "EnableEnhancedMonitoring", Resources: stream, Handle: a.enableEnhancedMonitoring},
		{Name: "DisableEnhancedMonitoring", Resources: stream, Handle: a.disableEnhancedMonitoring},
		{Name: "StartStreamEncryption", Resources: stream, Handle: a.startStreamEncryption},
		{Name: "StopStreamEncryption", Resources: stream, Handle: a.stopStreamEncryption},
	}
	for i := range ops {
		ops[i].Action = "kinesis:" + ops[i].Name
		h := ops[i].Handle
		ops[i].Handle = func(w http.ResponseWriter, r *http.Request) error { return kinesisError(h(w, r)) }
	}
	a.svc.guard(ops)
	return &Service{Name: "kinesis", Protocol: JSON11, AlsoCBOR: true, Target: kinesisTarget, Ops: ops}
}

// kinesisAPI serves Kinesis's operations. It keeps what the stream
// service has no notion of, per stream name: the enhanced monitoring
// metrics and the encryption key asked for, which Describe reports (the
// data is not encrypted and no metrics are emitted).
type kinesisAPI struct {
	svc lazy[kinesis.API]

	mu         sync.Mutex
	monitoring map[string][]string // stream → shard-level metrics enabled
	keys       map[string]string   // stream → KMS key of StartStreamEncryption
}

// k is the stream service, open once a handler runs.
func (a *kinesisAPI) k() kinesis.API { return a.svc.v }

// streamRef is what the resource functions read of a request.
type streamRef struct {
	StreamName   string `json:"StreamName"`
	StreamARN    string `json:"StreamARN"`
	ConsumerName string `json:"ConsumerName"`
	ConsumerARN  string `json:"ConsumerARN"`
	ResourceARN  string `json:"ResourceARN"`
}

func (in *streamRef) flatFields() []flatField {
	return []flatField{{name: "StreamName", str: &in.StreamName}, {name: "StreamARN", str: &in.StreamARN}, {name: "ConsumerName", str: &in.ConsumerName},
		{name: "ConsumerARN", str: &in.ConsumerARN}, {name: "ResourceARN", str: &in.ResourceARN}}
}

// streamResources is the stream a request names, by ARN or by name.
func (a *kinesisAPI) streamResources(r *http.Request) []string {
	var in streamRef
	peekInput(r, &in)
	switch {
	case in.StreamARN != "":
		return []string{in.StreamARN}
	case in.StreamName != "":
		return []string{arn.Stream(in.StreamName)}
	}
	return nil
}

// consumerResources is the consumer a request names: its ARN, or the one
// of the stream's consumer of that name (looked up), else what the ARN
// would start with.
func (a *kinesisAPI) consumerResources(r *http.Request) []string {
	var in streamRef
	peekInput(r, &in)
	if in.ConsumerARN != "" {
		return []string{in.ConsumerARN}
	}
	if in.StreamARN == "" || in.ConsumerName == "" {
		return nil
	}
	if k, err := a.svc.get(r.Context()); err == nil {
		if name, ok := streamName(in.StreamARN); ok {
			if c, err := k.Consumer(r.Context(), name, in.ConsumerName, ""); err == nil {
				return []string{c.ARN}
			}
		}
	}
	return []string{in.StreamARN + "/consumer/" + in.ConsumerName}
}

// iteratorResources is the stream GetRecords reads: its StreamARN, else
// the stream its iterator names.
func iteratorResources(r *http.Request) []string {
	var in struct {
		ShardIterator string `json:"ShardIterator"`
		StreamARN     string `json:"StreamARN"`
	}
	peekInput(r, &in)
	switch name := kinesis.IteratorStream(in.ShardIterator); {
	case in.StreamARN != "":
		return []string{in.StreamARN}
	case name != "":
		return []string{arn.Stream(name)}
	}
	return nil
}

func resourceARN(r *http.Request) []string {
	var in streamRef
	if peekInput(r, &in) && in.ResourceARN != "" {
		return []string{in.ResourceARN}
	}
	return nil
}

var (
	streamNamePattern  = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)
	streamARNPattern   = regexp.MustCompile(`^arn:aws.*:kinesis:.*:\d{12}:stream/\S+$`)
	consumerARNPattern = regexp.MustCompile(`^(arn):aws.*:kinesis:.*:\d{12}:.*stream/[a-zA-Z0-9_.-]+/consumer/[a-zA-Z0-9_.-]+:[0-9]+$`)
)

// streamName is the name of the stream arnStr names, false when it is not
// a stream ARN of this region and account.
func streamName(arnStr string) (string, bool) {
	name, ok := strings.CutPrefix(arnStr, arn.Stream(""))
	if !ok || !streamNamePattern.MatchString(name) {
		return "", false
	}
	return name, true
}

// stream resolves an operation's StreamName and StreamARN to the stream's
// name: either, or both when they name the same stream.
func (a *kinesisAPI) stream(name, streamARN string) (string, error) {
	var v violations
	v.name(name, "streamName")
	if streamARN != "" && !streamARNPattern.MatchString(streamARN) {
		v.add(streamARN, "streamARN", "Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+")
	}
	if err := v.err(); err != nil {
		return "", err
	}
	switch {
	case name == "" && streamARN == "":
		return "", &kinesis.Error{Code: kinesis.CodeInvalidArgument, Message: "Either StreamName or StreamARN must be provided."}
	case streamARN == "":
		return name, nil
	}
	fromARN, ok := streamName(streamARN)
	if !ok {
		return "", &kinesis.Error{Code: kinesis.CodeResourceNotFound, Message: "Stream " + streamARN + " not found: Verge serves account " + arn.Account + " in " + arn.Region + "."}
	}
	if name != "" && name != fromARN {
		return "", &kinesis.Error{Code: kinesis.CodeInvalidArgument, Message: "StreamARN " + streamARN + " and StreamName " + name + " do not name the same stream."}
	}
	return fromARN, nil
}

// consumerStream is the stream of a consumer ARN, checked against
// StreamARN when that is given too.
func consumerStream(consumerARN, streamARN string) (string, error) {
	stream, _, _ := strings.Cut(consumerARN, "/consumer/")
	name, ok := streamName(stream)
	if !ok {
		return "", &kinesis.Error{Code: kinesis.CodeResourceNotFound, Message: "Consumer " + consumerARN + " not found."}
	}
	if streamARN != "" && streamARN != stream {
		return "", &kinesis.Error{Code: kinesis.CodeInvalidArgument, Message: "ConsumerARN " + consumerARN + " is not a consumer of StreamARN " + streamARN + "."}
	}
	return name, nil
}

// violations collect the failed model constraints of a request, which
// AWS answers together in one ValidationException.
type violations []string

// null records a required member left out.
func (v *violations) null(member string) {
	*v = append(*v, "Value null at '"+member+"' failed to satisfy constraint: Member must not be null")
}

// add records value of member failing constraint.
func (v *violations) add(value, member, constraint string) {
	*v = append(*v, "Value '"+value+"' at '"+member+"' failed to satisfy constraint: "+constraint)
}

// name checks an optional stream or consumer name.
func (v *violations) name(s, member string) {
	switch {
	case s == "":
	case len(s) > maxKinesisName:
		v.add(s, member, "Member must have length less than or equal to "+strconv.Itoa(maxKinesisName))
	case !streamNamePattern.MatchString(s):
		v.add(s, member, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
	}
}

// required checks a required string member.
func (v *violations) required(s, member string) {
	if s == "" {
		v.null(member)
	}
}

// between checks an optional integer member's range.
func (v *violations) between(n *int, member string, lo, hi int) {
	switch {
	case n == nil:
	case *n < lo:
		v.add(strconv.Itoa(*n), member, "Member must have value greater than or equal to "+strconv.Itoa(lo))
	case *n > hi:
		v.add(strconv.Itoa(*n), member, "Member must have value less than or equal to "+strconv.Itoa(hi))
	}
}

// oneOf checks an optional enum member.
func (v *violations) oneOf(s, member string, values ...string) {
	if s == "" {
		return
	}
	for _, x := range values {
		if s == x {
			return
		}
	}
	v.add(s, member, "Member must satisfy enum value set: ["+strings.Join(values, ", ")+"]")
}

// err is the ValidationException of v, nil when v is empty.
func (v violations) err() error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return &kinesis.Error{Code: kinesis.CodeValidation, Message: "1 validation error detected: " + v[0]}
	}
	return &kinesis.Error{Code: kinesis.CodeValidation, Message: fmt.Sprintf("%d validation errors detected: %s", len(v), strings.Join(v, "; "))}
}

// kinesisError is err as a wire error: a *kinesis.Error with its code, a
// client error (400) but for InternalFailure (500); anything else as it
// is.
func kinesisError(err error) error {
	if err == nil {
		return nil
	}
	var e *kinesis.Error
	if !errors.As(err, &e) {
		return err
	}
	if e.Code == kinesis.CodeInternalFailure {
		return ErrInternal.With(e.Message)
	}
	return &Error{Code: e.Code, Status: http.StatusBadRequest, Fault: faultSender, Message: e.Message}
}

// orDefault is *n, or def when n is nil.
func orDefault(n *int, def int) int {
	if n == nil {
		return def
	}
	return *n
}
