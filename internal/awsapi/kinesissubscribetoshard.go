package awsapi

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/verge-edge/verge/internal/kinesis"
)

type startingPosition struct {
	Type           string    `json:"Type"`
	SequenceNumber string    `json:"SequenceNumber"`
	Timestamp      timestamp `json:"Timestamp"`
}

type subscribeToShardIn struct {
	ConsumerARN      string            `json:"ConsumerARN"`
	ShardID          string            `json:"ShardId"`
	StartingPosition *startingPosition `json:"StartingPosition"`
}

type subscribeToShardEvent struct {
	Records                    []wireRecord     `json:"Records"`
	ContinuationSequenceNumber string           `json:"ContinuationSequenceNumber"`
	MillisBehindLatest         int64            `json:"MillisBehindLatest"`
	ChildShards                []wireChildShard `json:"ChildShards,omitempty"`
}

// subscribeToShard is SubscribeToShard: an event stream of an
// initial-response, then a SubscribeToShardEvent per batch of records as
// the subscription yields them (an empty one at least every 5 seconds),
// until the subscription ends (5 minutes), the client leaves, or a failure
// ends it with an exception message. Errors found before the stream starts
// are ordinary errors.
func (a *kinesisAPI) subscribeToShard(w http.ResponseWriter, r *http.Request) error {
	var in subscribeToShardIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	v.required(in.ConsumerARN, "consumerARN")
	v.required(in.ShardID, "shardId")
	pos := in.StartingPosition
	if pos == nil {
		v.null("startingPosition")
	} else {
		v.required(pos.Type, "startingPosition.type")
		v.oneOf(pos.Type, "startingPosition.type", iteratorAtSequence, iteratorAfterSeq, iteratorTrimHorizon, iteratorLatest, iteratorAtTimestamp)
	}
	if in.ConsumerARN != "" && !consumerARNPattern.MatchString(in.ConsumerARN) {
		v.add(in.ConsumerARN, "consumerARN", "Member must satisfy regular expression pattern: ^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+")
	}
	if err := v.err(); err != nil {
		return err
	}
	stream, err := consumerStream(in.ConsumerARN, "")
	if err != nil {
		return err
	}
	sub, err := a.k().SubscribeToShard(r.Context(), in.ConsumerARN, in.ShardID, kinesis.IteratorInput{
		Stream: stream, ShardID: in.ShardID, Type: pos.Type, Sequence: pos.SequenceNumber, At: pos.Timestamp.Time})
	if err != nil {
		return err
	}
	defer sub.Close()
	enc := a.recordEncryption(stream)

	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a subscription outlives the listener's write timeout
	w.Header().Set("Content-Type", contentEventStream)
	w.WriteHeader(http.StatusOK)
	es := &eventWriter{w: w, rc: rc, enc: eventstream.NewEncoder(), cbor: isCBOR(r)}
	if es.event(esInitialResponse, struct{}{}) != nil {
		return nil
	}
	for {
		ev, err := sub.Next(r.Context())
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			if r.Context().Err() == nil {
				es.exception(streamException(err))
			}
			return nil
		}
		out := subscribeToShardEvent{Records: wireRecords(ev.Records, enc), ContinuationSequenceNumber: ev.ContinuationSequenceNumber,
			MillisBehindLatest: ev.MillisBehindLatest, ChildShards: wireChildShards(ev.ChildShards)}
		if es.event(eventSubscribeToShard, out) != nil {
			return nil
		}
	}
}

// streamException is err as an exception of SubscribeToShard's event
// stream, whose internal failure is named InternalFailureException.
func streamException(err error) *Error {
	e := asError(kinesisError(err))
	if e.Code == ErrInternal.Code {
		c := *e
		c.Code = "InternalFailureException"
		return &c
	}
	return e
}
