package store

import (
	"bytes"
	"context"
	"errors"
	"hash/maphash"
	"sync"

	"github.com/nats-io/nats.go/jetstream"
)

// A Cond is a write's condition, evaluated against the item as it is at
// the version the write replaces: old is nil and exists false when there
// is none. A non-nil error refuses the write and is returned as is
// (return or wrap ErrConditionFailed for a failed condition).
type Cond func(old []byte, exists bool) error

// An UpdateFunc computes an item's new state from its current one: the
// new item (nil removes it), or an error that refuses the write.
type UpdateFunc func(old []byte, exists bool) (new []byte, err error)

// A Result is what a write did: the item before and after it and the
// version (log sequence) the item is at now.
type Result struct {
	Old, New []byte
	Version  uint64
}

// stripes serialise this node's writes to one item, so that its own
// writers do not lose compare-and-set races to each other; other nodes'
// writes are caught by compare-and-set alone.
type stripes struct {
	seed maphash.Seed
	mu   [256]sync.Mutex
	once sync.Once
}

func (s *stripes) index(tableID string, key []byte) int {
	s.once.Do(func() { s.seed = maphash.MakeSeed() })
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.WriteString(tableID)
	h.Write(key)
	return int(h.Sum64() % uint64(len(s.mu)))
}

// Get returns the item of key (a key map in wire form) and its version;
// nil and the version of its removal (0 if never written) if there is
// none.
func (s *Store) Get(ctx context.Context, tableName string, key []byte) ([]byte, uint64, error) {
	t, err := s.table(tableName)
	if err != nil {
		return nil, 0, err
	}
	k, err := t.meta.Key.keyOf(key)
	if err != nil {
		return nil, 0, err
	}
	r := t.get(k)
	return r.item, r.version, nil
}

// Put writes item (a map of wire values holding the key attributes) if
// cond (nil for none) holds for the item it replaces.
func (s *Store) Put(ctx context.Context, tableName string, item []byte, cond Cond) (Result, error) {
	t, err := s.table(tableName)
	if err != nil {
		return Result{}, err
	}
	k, err := t.meta.Key.itemKey(item)
	if err != nil {
		return Result{}, err
	}
	return s.write(ctx, t, k, replaceWith(item, cond), false, item)
}

// Delete removes the item of key if cond (nil for none) holds for it.
// Removing an absent item writes nothing.
func (s *Store) Delete(ctx context.Context, tableName string, key []byte, cond Cond) (Result, error) {
	t, err := s.table(tableName)
	if err != nil {
		return Result{}, err
	}
	k, err := t.meta.Key.keyOf(key)
	if err != nil {
		return Result{}, err
	}
	return s.write(ctx, t, k, replaceWith(nil, cond), false, nil)
}

// replaceWith is the update that writes item (nil removes the item) when
// cond (nil for none) holds for the item it replaces.
func replaceWith(item []byte, cond Cond) UpdateFunc {
	return func(old []byte, exists bool) ([]byte, error) {
		if cond != nil {
			if err := cond(old, exists); err != nil {
				return nil, err
			}
		}
		return item, nil
	}
}

// Update writes what fn makes of the item of key; the new item must keep
// the key. fn may run more than once, when another node wrote the item in
// between: it must not have side effects.
func (s *Store) Update(ctx context.Context, tableName string, key []byte, fn UpdateFunc) (Result, error) {
	t, err := s.table(tableName)
	if err != nil {
		return Result{}, err
	}
	k, err := t.meta.Key.keyOf(key)
	if err != nil {
		return Result{}, err
	}
	return s.write(ctx, t, k, fn, false, nil)
}

// write is the read-evaluate-publish loop of one item: fn sees the item at
// its current version and the entry is published only if the item's
// subject is still at that version; on a lost race the item is read again
// from the log and fn runs again. keyed, when not nil, is an item whose
// key was found to be key: fn returning it needs no second look.
func (s *Store) write(ctx context.Context, t *table, key []byte, fn UpdateFunc, service bool, keyed []byte) (Result, error) {
	lock := &s.locks.mu[s.locks.index(t.meta.ID, key)]
	lock.Lock()
	defer lock.Unlock()
	subj := t.subject(key)
	for range casRetries {
		r := t.get(key)
		newItem, err := fn(r.item, r.item != nil)
		if err == nil {
			err = t.fits(key, r, newItem, s.collectionLimit, nil)
		}
		if err != nil {
			// Refused on this node's view: make sure it is current
			// (another node may have written the item) before saying so.
			changed, rerr := s.refresh(ctx, t, key, subj)
			if rerr != nil {
				return Result{}, rerr
			}
			if changed {
				continue
			}
			return Result{Old: r.item, Version: r.version}, err
		}
		if !sameSlice(newItem, keyed) {
			if err := t.sameKey(key, newItem); err != nil {
				return Result{}, err
			}
		}
		e := newEntry(key, r.item, newItem, s.now())
		if e.Event == "" {
			// Nothing to write on this node's view: make sure it is
			// current, as for a refused condition.
			changed, err := s.refresh(ctx, t, key, subj)
			if err != nil {
				return Result{}, err
			}
			if changed {
				continue
			}
			return Result{Old: r.item, New: r.item, Version: r.version}, nil
		}
		e.Service = service
		ack, err := s.js.Publish(ctx, subj, e.encode(), jetstream.WithExpectLastSequencePerSubject(r.version))
		if lostRace(err) {
			s.races.Add(1)
			if _, err := s.refresh(ctx, t, key, subj); err != nil {
				return Result{}, err
			}
			continue
		}
		if err != nil {
			return Result{}, fail(CodeInternalServerError, "writing the item: %v", err)
		}
		t.apply(key, ack.Sequence, newItem)
		return Result{Old: r.item, New: newItem, Version: ack.Sequence}, nil
	}
	return Result{}, fail(CodeTransactionConflict, "the item kept changing")
}

// sameSlice reports whether a and b are the same bytes in memory (not
// merely equal ones).
func sameSlice(a, b []byte) bool {
	return len(a) == len(b) && len(a) > 0 && &a[0] == &b[0]
}

// sameKey checks that a new item (nil: none) has the key key.
func (t *table) sameKey(key, item []byte) error {
	if item == nil {
		return nil
	}
	k, err := t.meta.Key.itemKey(item)
	if err != nil {
		return err
	}
	if !bytes.Equal(k, key) {
		return fail(CodeValidation, "One or more parameter values were invalid: the update changes the item's key")
	}
	return nil
}

// lostRace reports whether a publish failed on compare-and-set.
func lostRace(err error) bool {
	var apiErr *jetstream.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence || apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant
}

// refresh reads the last log entry of an item's subject into the table
// and reports whether it was newer than the table's: another node (or a
// restarted one) wrote the item after this node last saw it.
func (s *Store) refresh(ctx context.Context, t *table, key []byte, subj string) (bool, error) {
	m, err := s.stream.GetLastMsgForSubject(ctx, subj)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fail(CodeInternalServerError, "reading the item's log: %v", err)
	}
	e, ok := decodeEntry(m.Data)
	if !ok || !bytes.Equal(e.Key, key) {
		return false, fail(CodeInternalServerError, "the item's log entry %d is not its own", m.Sequence)
	}
	return t.apply(key, m.Sequence, nilIfEmpty(e.New)), nil
}

// batchError is the error of a refused batch: a lost race is reported as
// a jetstream.APIError so that lostRace sees it.
func batchError(errCode, code int, description string) error {
	if errCode == int(jetstream.JSErrCodeStreamWrongLastSequence) || errCode == int(jetstream.JSErrCodeStreamWrongLastSequenceConstant) {
		return &jetstream.APIError{Code: code, ErrorCode: jetstream.ErrorCode(errCode), Description: description}
	}
	return fail(CodeInternalServerError, "writing the transaction: %s (%d)", description, errCode)
}
