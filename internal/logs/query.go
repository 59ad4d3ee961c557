package logs

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"slices"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// Query selects events of a group.
type Query struct {
	Since  time.Time // events at or after Since (zero: from the start)
	Until  time.Time // events at or before Until (zero: no end)
	Filter string    // a filter pattern (see Filter); "" matches everything
	Limit  int       // the newest Limit events only; 0: no limit
}

// matches reports whether ev is in q's time range and matches f.
func (q *Query) matches(ev Event, f *Filter) bool {
	if !q.Since.IsZero() && ev.Time.Before(q.Since) {
		return false
	}
	if !q.Until.IsZero() && ev.Time.After(q.Until) {
		return false
	}
	return f.Match(ev.Message)
}

// inDays reports whether the day file of day may hold events in q's range.
func (q *Query) inDays(day string) bool {
	if !q.Since.IsZero() && day < q.Since.UTC().Format(dayFmt) {
		return false
	}
	return q.Until.IsZero() || day <= q.Until.UTC().Format(dayFmt)
}

// Query returns the events of group that match q, oldest first, including
// those appended but not yet written. An unknown group is an error of kind
// NotFound, a bad filter of kind Invalid.
func (s *Store) Query(group string, q Query) ([]Event, error) {
	const op errs.Op = "logs.Query"
	g, f, err := s.prepare(op, group, q)
	if err != nil {
		return nil, err
	}
	evs, err := g.collect(q, f, nil)
	if err != nil {
		return nil, errs.E(op, group, err)
	}
	return evs, nil
}

func (s *Store) prepare(op errs.Op, group string, q Query) (*Group, *Filter, error) {
	g, err := s.lookup(op, group)
	if err != nil {
		return nil, nil, err
	}
	f, err := ParseFilter(q.Filter)
	if err != nil {
		return nil, nil, errs.E(op, err)
	}
	if q.Limit < 0 {
		return nil, nil, errs.E(op, errs.Invalid, errs.Errorf("negative limit %d", q.Limit))
	}
	return g, f, nil
}

// Follow calls fn with the events of group that match q, oldest first, then
// with each matching event appended afterwards, as it is appended, until ctx
// ends (it returns ctx.Err()), fn returns an error (it returns that), or the
// store closes. Limit applies to the past events only. A follower that falls
// behind by more than MaxFollowBytes is handed a "[verge] N log events
// skipped" event in place of the events it missed.
func (s *Store) Follow(ctx context.Context, group string, q Query, fn func(Event) error) error {
	return s.follow(ctx, group, q, true, fn, nil)
}

// Tail is Follow without the past: fn gets the matching events appended
// after Tail starts, a batch at a time (as Append hands them over), so that
// a stream can send one message per batch. fn is first called with no
// events once Tail follows the group, so that a caller can tell its own
// client it is live. Since and Until still apply to the new events.
func (s *Store) Tail(ctx context.Context, group string, q Query, fn func([]Event) error) error {
	var batch []Event
	started := false
	add := func(ev Event) error {
		batch = append(batch, ev)
		return nil
	}
	end := func() error {
		if len(batch) == 0 && started {
			return nil
		}
		started = true
		err := fn(batch)
		batch = nil
		return err
	}
	return s.follow(ctx, group, q, false, add, end)
}

// follow is Follow, with the past events when withPast is set; batchEnd,
// if set, is called after each batch of events handed to fn, so that an
// HTTP response can be flushed once per batch.
func (s *Store) follow(ctx context.Context, group string, q Query, withPast bool, fn func(Event) error, batchEnd func() error) error {
	const op errs.Op = "logs.Follow"
	g, f, err := s.prepare(op, group, q)
	if err != nil {
		return err
	}
	fl := newFollower()
	defer g.unfollow(fl)
	var past []Event
	if withPast {
		past, err = g.collect(q, f, fl)
	} else {
		_, _, err = g.snapshot(fl)
	}
	if err != nil {
		return errs.E(op, group, err)
	}
	q.Limit = 0
	for {
		for _, ev := range past {
			if err := fn(ev); err != nil {
				return err
			}
		}
		if batchEnd != nil {
			if err := batchEnd(); err != nil {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return errs.E(op, errs.Unavailable, group, errClosed)
		case <-fl.wake:
		}
		evs, skipped := g.take(fl)
		past = past[:0]
		if skipped > 0 {
			past = append(past, Event{
				Time:    time.UnixMilli(time.Now().UnixMilli()).UTC(),
				Stream:  markerStream,
				Message: "[verge] " + itoa(skipped) + " log events skipped: the reader fell behind",
			})
		}
		for _, ev := range evs {
			if q.matches(ev, f) {
				past = append(past, ev)
			}
		}
	}
}

// collect returns the events matching q from the day files and the queue,
// oldest first; fl, if set, starts following at the same instant. With a
// limit it reads days newest first and stops once it has enough.
func (g *Group) collect(q Query, f *Filter, fl *follower) ([]Event, error) {
	files, pending, err := g.snapshot(fl)
	if err != nil {
		return nil, err
	}
	byDay := map[string][]Event{}
	for _, ev := range pending {
		if q.matches(ev, f) {
			d := ev.Time.Format(dayFmt)
			byDay[d] = append(byDay[d], ev)
		}
	}
	fileOf := map[string]dayFile{}
	days := make([]string, 0, len(files)+len(byDay))
	for _, df := range files {
		fileOf[df.Day] = df
		days = append(days, df.Day)
	}
	for d := range byDay {
		if _, ok := fileOf[d]; !ok {
			days = append(days, d)
		}
	}
	slices.Sort(days)
	var chunks [][]Event // newest day first
	total := 0
	for i := len(days) - 1; i >= 0; i-- {
		day := days[i]
		if !q.inDays(day) {
			continue
		}
		var evs []Event
		if df, ok := fileOf[day]; ok {
			if evs, err = readDay(df, &q, f); err != nil {
				return nil, err
			}
		}
		evs = append(evs, byDay[day]...)
		// Sandboxes write concurrently, so a day is only nearly in order.
		slices.SortStableFunc(evs, func(a, b Event) int { return a.Time.Compare(b.Time) })
		chunks = append(chunks, evs)
		total += len(evs)
		if q.Limit > 0 && total >= q.Limit {
			break
		}
	}
	out := make([]Event, 0, total)
	for i := len(chunks) - 1; i >= 0; i-- {
		out = append(out, chunks[i]...)
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[len(out)-q.Limit:]
	}
	return out, nil
}

// readDay returns the events of a day file that match, up to the size the
// snapshot saw. Lines that do not parse (a write cut short by a crash) are
// skipped; a file swept away meanwhile is empty.
func readDay(df dayFile, q *Query, f *Filter) ([]Event, error) {
	file, err := os.Open(df.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.E(errs.IO, df.Path, err)
	}
	defer file.Close()
	r := bufio.NewReaderSize(io.LimitReader(file, df.Size), 64<<10)
	var evs []Event
	var long []byte
	prev := ""
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long, line...)
			continue
		}
		if long != nil {
			line, long = append(long, line...), nil
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			if ev, derr := decodeRecord(line, prev); derr == nil {
				prev = ev.Stream
				if q.matches(ev, f) {
					evs = append(evs, ev)
				}
			}
		}
		if err == io.EOF {
			return evs, nil
		}
		if err != nil {
			return nil, errs.E(errs.IO, df.Path, err)
		}
	}
}
