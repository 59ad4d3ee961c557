package sqs

import (
	"context"
	"time"
)

// sweepEvery is how often messages past their retention period leave the
// index (the streams' MaxAge has removed their records), so the counts do
// not include them.
const sweepEvery = time.Minute

// sweeper runs sweep until the service closes.
func (s *Service) sweeper() {
	defer s.wg.Done()
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			s.sweep(s.ctx)
		}
	}
}

// sweep drops expired messages, forgets queues deleted over a minute ago
// and FIFO receive attempts past their window.
func (s *Service) sweep(ctx context.Context) {
	now := s.now()
	s.mu.Lock()
	qs := make([]*queue, 0, len(s.queues))
	for _, q := range s.queues {
		qs = append(qs, q)
	}
	for n, t := range s.gone {
		if now.Sub(t) > deletedRecently {
			delete(s.gone, n)
		}
	}
	s.mu.Unlock()
	for _, q := range qs {
		var expired []*msg
		q.mu.Lock()
		limit := now.UnixMilli() - int64(q.cfg.retention)*1000
		for _, m := range q.msgs {
			if m.sent < limit && !m.inflight {
				expired = append(expired, m)
			}
		}
		for _, m := range expired {
			q.remove(m)
		}
		for k, a := range q.attempts {
			if now.Sub(a.at) > attemptWindow {
				delete(q.attempts, k)
			}
		}
		q.mu.Unlock()
		s.drop(ctx, q, expired)
	}
}
