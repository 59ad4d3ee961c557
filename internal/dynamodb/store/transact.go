package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/verge-edge/verge/internal/uid"
)

// An Op is one operation of a transaction, on one item: a Put (Put set),
// a Delete (Delete set), an Update (Update set) or, with none of them, a
// ConditionCheck. Cond, when set, must hold for the item as it is.
type Op struct {
	Table string
	// Key is the item's key map in wire form; a Put may leave it nil (the
	// item's key is used).
	Key    []byte
	Put    []byte
	Delete bool
	Update UpdateFunc
	Cond   Cond
}

// staged is an operation resolved against the current state.
type staged struct {
	t       *table
	key     []byte
	subject string
	old     row
	new     []byte
}

// Transact applies ops (1 to MaxTransactItems, each on a different item)
// all or none: every condition is evaluated against the items' current
// versions, then the writes are one atomic JetStream batch that
// compare-and-sets every item, so a crash leaves all of them or none. A
// failed condition cancels the transaction with an *Error of
// CodeTransactionCanceled whose Reasons hold one entry per op. It returns
// each op's result, in order.
func (s *Store) Transact(ctx context.Context, ops []Op) ([]Result, error) {
	st, err := s.resolve(ops)
	if err != nil {
		return nil, err
	}
	unlock := s.lockAll(st)
	defer unlock()
	for range casRetries {
		if err := s.evaluate(ops, st); err != nil {
			// Cancelled on this node's view: make sure it is current.
			changed, rerr := s.refreshAll(ctx, st)
			if rerr != nil {
				return nil, rerr
			}
			if changed {
				continue
			}
			return nil, err
		}
		seqs, err := s.publishBatch(ctx, st)
		if lostRace(err) {
			s.races.Add(1)
			if _, err := s.refreshAll(ctx, st); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		out := make([]Result, len(st))
		for i, x := range st {
			x.t.apply(x.key, seqs[i], x.new)
			out[i] = Result{Old: x.old.item, New: x.new, Version: seqs[i]}
		}
		return out, nil
	}
	return nil, fail(CodeTransactionConflict, "Transaction is ongoing for the item")
}

// refreshAll refreshes every item of a transaction from the log.
func (s *Store) refreshAll(ctx context.Context, st []staged) (bool, error) {
	changed := false
	for _, x := range st {
		c, err := s.refresh(ctx, x.t, x.key, x.subject)
		if err != nil {
			return false, err
		}
		changed = changed || c
	}
	return changed, nil
}

// resolve finds each op's table and key, refusing two ops on one item.
func (s *Store) resolve(ops []Op) ([]staged, error) {
	if len(ops) == 0 || len(ops) > MaxTransactItems {
		return nil, fail(CodeValidation, "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to %d and greater than or equal to 1", MaxTransactItems)
	}
	st := make([]staged, len(ops))
	seen := map[string]bool{}
	for i, op := range ops {
		t, err := s.table(op.Table)
		if err != nil {
			return nil, err
		}
		var k []byte
		if op.Key == nil && op.Put != nil {
			k, err = t.meta.Key.itemKey(op.Put)
		} else {
			k, err = t.meta.Key.keyOf(op.Key)
		}
		if err != nil {
			return nil, err
		}
		subj := t.subject(k)
		if seen[subj] {
			return nil, fail(CodeValidation, "Transaction request cannot include multiple operations on one item")
		}
		seen[subj] = true
		st[i] = staged{t: t, key: k, subject: subj}
	}
	return st, nil
}

// lockAll takes the write locks of every item, in one order.
func (s *Store) lockAll(st []staged) func() {
	idx := make([]int, 0, len(st))
	for _, x := range st {
		idx = append(idx, s.locks.index(x.t.meta.ID, x.key))
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	for _, i := range idx {
		s.locks.mu[i].Lock()
	}
	return func() {
		for _, i := range idx {
			s.locks.mu[i].Unlock()
		}
	}
}

// evaluate reads each item and runs its op, cancelling the transaction
// with a reason per op if any condition fails.
func (s *Store) evaluate(ops []Op, st []staged) error {
	reasons := make([]Reason, len(ops))
	failed := false
	grown := growth{}
	for i, op := range ops {
		x := &st[i]
		x.old = x.t.get(x.key)
		n, err := op.apply(x.old.item)
		if err == nil {
			err = x.t.sameKey(x.key, n)
		}
		if err == nil {
			err = x.t.fits(x.key, x.old, n, s.collectionLimit, grown)
		}
		x.new = n
		switch {
		case err == nil:
			reasons[i] = Reason{Code: "None"}
		case conditionFailed(err):
			failed = true
			reasons[i] = Reason{Code: "ConditionalCheckFailed", Message: "The conditional request failed", Item: x.old.item}
		case errors.Is(err, errCollectionSize):
			failed = true
			reasons[i] = Reason{Code: "ItemCollectionSizeLimitExceeded", Message: msgCollectionSize}
		default:
			failed = true
			reasons[i] = Reason{Code: "ValidationError", Message: err.Error()}
		}
	}
	if !failed {
		return nil
	}
	codes := make([]string, len(reasons))
	for i, r := range reasons {
		codes[i] = r.Code
	}
	return &Error{
		Code:    CodeTransactionCanceled,
		Message: "Transaction cancelled, please refer cancellation reasons for specific reasons [" + join(codes) + "]",
		Reasons: reasons,
	}
}

func join(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(x)
	}
	return b.String()
}

// apply runs an op's condition and change on the item old.
func (op Op) apply(old []byte) ([]byte, error) {
	if op.Cond != nil {
		if err := op.Cond(old, old != nil); err != nil {
			return nil, err
		}
	}
	switch {
	case op.Put != nil:
		return op.Put, nil
	case op.Delete:
		return nil, nil
	case op.Update != nil:
		return op.Update(old, old != nil)
	}
	return old, nil // a condition check
}

// batchAck is JetStream's answer to a batch's commit.
type batchAck struct {
	Seq   uint64 `json:"seq"`
	Count int    `json:"count"`
	Error *struct {
		Code        int    `json:"code"`
		ErrCode     int    `json:"err_code"`
		Description string `json:"description"`
	} `json:"error"`
}

// batchHook, set by the kill test, runs after each message of a batch
// but the last.
var batchHook func(nc *nats.Conn, i int)

// publishBatch writes one entry per staged op as one atomic batch, each
// expecting its item's subject at the version read, and returns their
// sequences. The nats.go client has no atomic batch helper: the batch
// headers are set here.
func (s *Store) publishBatch(ctx context.Context, st []staged) ([]uint64, error) {
	if len(st) == 1 {
		// One item needs no batch (a batch of a file stream is staged in
		// a file of its own, synced: milliseconds).
		x := st[0]
		data := newEntry(x.key, x.old.item, x.new, s.now()).encode()
		ack, err := s.js.Publish(ctx, x.subject, data, jetstream.WithExpectLastSequencePerSubject(x.old.version))
		if err != nil {
			if lostRace(err) {
				return nil, err
			}
			return nil, fail(CodeInternalServerError, "writing the transaction: %v", err)
		}
		return []uint64{ack.Sequence}, nil
	}
	nc := s.js.Conn()
	id := uid.New()
	now := s.now()
	var reply *nats.Msg
	for i, x := range st {
		m := nats.NewMsg(x.subject)
		m.Data = newEntry(x.key, x.old.item, x.new, now).encode()
		m.Header.Set(hdrBatchID, id)
		m.Header.Set(hdrBatchSeq, strconv.Itoa(i+1))
		m.Header.Set(hdrExpectedSubjSeq, strconv.FormatUint(x.old.version, 10))
		if i < len(st)-1 {
			if err := nc.PublishMsg(m); err != nil {
				return nil, fail(CodeInternalServerError, "writing the transaction: %v", err)
			}
			if batchHook != nil {
				batchHook(nc, i)
			}
			continue
		}
		m.Header.Set(hdrBatchCommit, "1")
		c, cancel := context.WithTimeout(ctx, publishTimeout)
		var err error
		reply, err = nc.RequestMsgWithContext(c, m)
		cancel()
		if err != nil {
			return nil, fail(CodeInternalServerError, "writing the transaction: %v", err)
		}
	}
	var ack batchAck
	if err := json.Unmarshal(reply.Data, &ack); err != nil {
		return nil, fail(CodeInternalServerError, "writing the transaction: %v", err)
	}
	if ack.Error != nil {
		return nil, batchError(ack.Error.ErrCode, ack.Error.Code, ack.Error.Description)
	}
	if ack.Count != len(st) {
		return nil, fail(CodeInternalServerError, "the transaction's batch has %d entries, not %d", ack.Count, len(st))
	}
	seqs := make([]uint64, len(st))
	for i := range seqs {
		seqs[i] = ack.Seq - uint64(len(st)-1-i)
	}
	return seqs, nil
}
