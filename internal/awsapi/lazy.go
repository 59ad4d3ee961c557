package awsapi

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
)

// An Opener returns a service's backend, starting it on first use: the
// engine opens the message broker only when a stack or a caller needs it.
type Opener[T any] func(ctx context.Context) (T, error)

// lazy holds what an Opener returned once it succeeded.
type lazy[T any] struct {
	open Opener[T]
	mu   sync.Mutex
	done atomic.Bool // v is set
	v    T
}

// get returns the backend, opening it if it is not open yet.
func (l *lazy[T]) get(ctx context.Context) (T, error) {
	if l.done.Load() {
		return l.v, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done.Load() {
		return l.v, nil
	}
	v, err := l.open(ctx)
	if err != nil {
		var zero T
		return zero, ErrServiceUnavailable.With(err.Error())
	}
	l.v = v
	l.done.Store(true)
	return v, nil
}

// guard makes each of ops open l before its handler runs, so that a
// backend that cannot start answers every operation ServiceUnavailable.
func (l *lazy[T]) guard(ops []Operation) {
	for i := range ops {
		h := ops[i].Handle
		ops[i].Handle = func(w http.ResponseWriter, r *http.Request) error {
			if _, err := l.get(r.Context()); err != nil {
				return err
			}
			return h(w, r)
		}
	}
}

// Fixed is an Opener of a backend already open.
func Fixed[T any](v T) Opener[T] {
	return func(context.Context) (T, error) { return v, nil }
}
