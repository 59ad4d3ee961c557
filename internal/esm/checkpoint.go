package esm

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/verge-edge/verge/internal/errs"
)

// A checkpoint is what a mapping keeps of a shard: where reading resumes,
// whether the shard is finished (read to its end, every batch settled), and
// the open tumbling window.
type checkpoint struct {
	Pos      Position `json:"pos"`
	Finished bool     `json:"finished,omitempty"`
	Window   *window  `json:"window,omitempty"`
}

// checkpoints is the ESM_CHECKPOINTS bucket.
type checkpoints struct {
	kv jetstream.KeyValue
}

func openCheckpoints(ctx context.Context, js jetstream.JetStream) (*checkpoints, error) {
	const op errs.Op = "esm.openCheckpoints"
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: bucket, History: 1, Description: bucketNotes})
	if err != nil {
		return nil, errs.E(op, errs.Unavailable, err)
	}
	return &checkpoints{kv: kv}, nil
}

// token encodes an identifier into the characters a KV key allows.
func token(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func shardKey(mapping, shard string) string {
	return token(mapping) + "." + keyShard + "." + token(shard)
}

func startedKey(mapping string) string { return token(mapping) + "." + keyStarted }

// get returns a shard's checkpoint; ok is false when it has none.
func (c *checkpoints) get(ctx context.Context, mapping, shard string) (cp checkpoint, ok bool, err error) {
	const op errs.Op = "esm.checkpoints.get"
	e, err := c.kv.Get(ctx, shardKey(mapping, shard))
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return cp, false, nil
	case err != nil:
		return cp, false, errs.E(op, errs.Unavailable, shard, err)
	}
	if err := json.Unmarshal(e.Value(), &cp); err != nil {
		return cp, false, errs.E(op, errs.Internal, shard, err)
	}
	return cp, true, nil
}

// put stores a shard's checkpoint and returns once JetStream has it.
func (c *checkpoints) put(ctx context.Context, mapping, shard string, cp checkpoint) error {
	const op errs.Op = "esm.checkpoints.put"
	b, err := json.Marshal(cp)
	if err != nil {
		return errs.E(op, errs.Internal, shard, err)
	}
	if _, err := c.kv.Put(ctx, shardKey(mapping, shard), b); err != nil {
		return errs.E(op, errs.Unavailable, shard, err)
	}
	return nil
}

// started reports whether a mapping has resolved its starting positions.
func (c *checkpoints) started(ctx context.Context, mapping string) (bool, error) {
	const op errs.Op = "esm.checkpoints.started"
	_, err := c.kv.Get(ctx, startedKey(mapping))
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return false, nil
	case err != nil:
		return false, errs.E(op, errs.Unavailable, mapping, err)
	}
	return true, nil
}

// markStarted records that a mapping's starting positions are resolved:
// shards found later (a reshard's children) start at their trim horizon.
func (c *checkpoints) markStarted(ctx context.Context, mapping string, at time.Time) error {
	const op errs.Op = "esm.checkpoints.markStarted"
	if _, err := c.kv.Put(ctx, startedKey(mapping), []byte(at.UTC().Format(time.RFC3339Nano))); err != nil {
		return errs.E(op, errs.Unavailable, mapping, err)
	}
	return nil
}
