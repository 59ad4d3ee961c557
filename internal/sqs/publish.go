package sqs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// publishTimeout bounds a publish without a deadline of its own, as
// jetstream's default API timeout does.
const publishTimeout = 5 * time.Second

// publish stores raw on subject and returns its stream sequence once
// JetStream has acknowledged it. It is js.Publish, retries while the
// stream has no responder included, with two costs of the hot path
// removed: the acknowledgement is read without reflection, and a context
// without a deadline is not wrapped in one (nats.go's pooled timer bounds
// the wait; the message is then stored, and indexed, even if the caller
// has gone, as it would be anyway once published).
func (s *Service) publish(ctx context.Context, subject string, raw []byte) (uint64, error) {
	nc := s.js.Conn()
	for attempt := 0; ; attempt++ {
		var resp *nats.Msg
		var err error
		if _, ok := ctx.Deadline(); ok {
			resp, err = nc.RequestWithContext(ctx, subject, raw)
		} else {
			resp, err = nc.Request(subject, raw, publishTimeout)
		}
		if errors.Is(err, nats.ErrNoResponders) {
			if attempt < jetstream.DefaultPubRetryAttempts {
				select {
				case <-ctx.Done():
				case <-time.After(jetstream.DefaultPubRetryWait):
				}
				continue
			}
			return 0, jetstream.ErrNoStreamResponse
		}
		if err != nil {
			return 0, err
		}
		return parseAck(resp.Data)
	}
}

// parseAck reads a publish acknowledgement: {"stream":"S","seq":N} by
// hand, anything else (an error, a duplicate, a domain) as jetstream does.
func parseAck(b []byte) (uint64, error) {
	const pre, mid = `{"stream":"`, `","seq":`
	if rest, ok := bytes.CutPrefix(b, []byte(pre)); ok {
		if i := bytes.IndexByte(rest, '"'); i > 0 && bytes.IndexByte(rest[:i], '\\') < 0 {
			if digits, ok := bytes.CutPrefix(rest[i:], []byte(mid)); ok {
				if digits, ok := bytes.CutSuffix(digits, []byte("}")); ok {
					if seq, err := strconv.ParseUint(string(digits), 10, 64); err == nil {
						return seq, nil
					}
				}
			}
		}
	}
	var ack struct {
		Error *jetstream.APIError `json:"error,omitempty"`
		*jetstream.PubAck
	}
	if err := json.Unmarshal(b, &ack); err != nil {
		return 0, jetstream.ErrInvalidJSAck
	}
	if ack.Error != nil {
		return 0, fmt.Errorf("nats: %w", ack.Error)
	}
	if ack.PubAck == nil || ack.Stream == "" {
		return 0, jetstream.ErrInvalidJSAck
	}
	return ack.Sequence, nil
}
