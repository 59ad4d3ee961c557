package logs

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// ErrNoStream is wrapped by the errors (of kind NotFound) about a log
// stream that does not exist, so that callers can tell them from a missing
// group.
var ErrNoStream = errors.New("no such log stream")

// streamSet is the streams of a group made by CreateStream, persisted in
// streams.json so that an empty stream survives a restart. A function's
// streams are not in it: they exist through their events. Guarded by the
// group's flushMu.
type streamSet struct {
	byName map[string]*streamMeta
	dirty  bool // ingestion times changed since the file was written
}

// streamMeta is a stream's entry in streams.json.
type streamMeta struct {
	Created  int64 `json:"created"`            // Unix milliseconds
	Ingested int64 `json:"ingested,omitempty"` // the last PutEvents, Unix milliseconds
}

// CreateGroup creates the group called name with a retention (0: keep
// forever) and tags (at most MaxTags), as CloudWatch Logs' CreateLogGroup
// does; class, CloudWatch's log group class, is only recorded ("": none).
// A group that exists is an error of kind Exist.
func (s *Store) CreateGroup(name string, retention time.Duration, class string, tags map[string]string) error {
	const op errs.Op = "logs.CreateGroup"
	if name == "" {
		return errs.E(op, errs.Invalid, errs.Errorf("empty log group name"))
	}
	if len(tags) > MaxTags {
		return errs.E(op, errs.Invalid, name, ErrTooManyTags)
	}
	s.mu.Lock()
	if s.groups[name] != nil {
		s.mu.Unlock()
		return errs.E(op, errs.Exist, name, errs.Errorf("log group %q exists", name))
	}
	g := newGroup(s, name, filepath.Join(s.dir, groupDir(name)))
	g.class, g.tags = class, maps.Clone(tags)
	s.groups[name] = g
	s.mu.Unlock()
	g.init(retention)
	g.mu.Lock()
	err := g.initErr
	g.mu.Unlock()
	if err != nil {
		s.mu.Lock()
		if s.groups[name] == g {
			delete(s.groups, name)
		}
		s.mu.Unlock()
		return errs.E(op, err)
	}
	return nil
}

// SetRetention changes a group's retention (0: keep forever) and records
// it in group.json; an unknown group is an error of kind NotFound.
func (s *Store) SetRetention(name string, retention time.Duration) error {
	const op errs.Op = "logs.SetRetention"
	g, err := s.lookup(op, name)
	if err != nil {
		return err
	}
	g.init(retention)
	g.mu.Lock()
	err = g.initErr
	g.mu.Unlock()
	if err != nil {
		return errs.E(op, err)
	}
	return nil
}

// CreateStream makes an empty stream in group, as CreateLogStream does. An
// unknown group is an error of kind NotFound, a stream that exists (made
// before, or holding events) one of kind Exist.
func (s *Store) CreateStream(group, stream string) error {
	const op errs.Op = "logs.CreateStream"
	g, err := s.lookup(op, group)
	if err != nil {
		return err
	}
	if stream == "" {
		return errs.E(op, errs.Invalid, errs.Errorf("empty log stream name"))
	}
	exists := errs.E(op, errs.Exist, stream, errs.Errorf("log stream %q exists", stream))
	g.flushMu.Lock()
	made := g.streams.byName[stream] != nil
	g.flushMu.Unlock()
	if made {
		return exists
	}
	if ok, err := s.hasEvents(g, stream); err != nil {
		return errs.E(op, group, err)
	} else if ok {
		return exists
	}
	g.flushMu.Lock()
	defer g.flushMu.Unlock()
	if g.streams.byName[stream] != nil { // made meanwhile
		return exists
	}
	if g.streams.byName == nil {
		g.streams.byName = map[string]*streamMeta{}
	}
	g.streams.byName[stream] = &streamMeta{Created: time.Now().UnixMilli()}
	if err := g.writeStreams(); err != nil {
		delete(g.streams.byName, stream)
		return errs.E(op, errs.IO, group, err)
	}
	return nil
}

// HasStream reports whether group has the stream: made by CreateStream, or
// holding events. An unknown group is an error of kind NotFound.
func (s *Store) HasStream(group, stream string) (bool, error) {
	const op errs.Op = "logs.HasStream"
	g, err := s.lookup(op, group)
	if err != nil {
		return false, err
	}
	g.flushMu.Lock()
	made := g.streams.byName[stream] != nil
	g.flushMu.Unlock()
	if made {
		return true, nil
	}
	ok, err := s.hasEvents(g, stream)
	if err != nil {
		return false, errs.E(op, group, err)
	}
	return ok, nil
}

// hasEvents reports whether a stream of g holds events. The store keeps no
// index of streams: it reads the group, as Streams does.
func (s *Store) hasEvents(g *Group, stream string) (bool, error) {
	evs, err := g.collect(Query{}, &Filter{}, nil)
	if err != nil {
		return false, err
	}
	for _, ev := range evs {
		if ev.Stream == stream {
			return true, nil
		}
	}
	return false, nil
}

// PutEvents appends events to an existing stream of group, for
// PutLogEvents, and records the ingestion time DescribeLogStreams reports.
// An unknown group or stream is an error of kind NotFound (wrapping
// ErrNoStream for the stream). The events' Stream is set to stream. Unlike
// Append it returns only once they are written to the day files and the
// sink has drained them (Sink.Drain): what it acknowledges a kill -9
// cannot lose.
func (s *Store) PutEvents(ctx context.Context, group, stream string, evs []Event) error {
	const op errs.Op = "logs.PutEvents"
	g, err := s.streamGroup(op, group, stream)
	if err != nil {
		return err
	}
	for i := range evs {
		evs[i].Stream = stream
	}
	if len(evs) == 0 {
		return nil
	}
	if err := g.Append(evs...); err != nil {
		return errs.E(op, err)
	}
	g.flushMu.Lock()
	if m := g.streams.byName[stream]; m != nil {
		m.Ingested = time.Now().UnixMilli()
		g.streams.dirty = true
	}
	g.flushMu.Unlock()
	// Acknowledged events survive a kill -9: on disk, and with the
	// subscription filters' destinations.
	if err := g.flush(); err != nil {
		return errs.E(op, err)
	}
	if p := s.sink.Load(); p != nil {
		if err := (*p).Drain(ctx, group); err != nil {
			return errs.E(op, errs.Unavailable, group, err)
		}
	}
	return nil
}

// streamsPath is the group's streams.json.
func (g *Group) streamsPath() string { return filepath.Join(g.dir, streamsFile) }

// loadStreams reads streams.json, if any.
func (g *Group) loadStreams() error {
	b, err := os.ReadFile(g.streamsPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return errs.E(errs.IO, g.streamsPath(), err)
	}
	var m map[string]*streamMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return errs.E(errs.Invalid, g.streamsPath(), err)
	}
	for name, sm := range m {
		if sm == nil {
			delete(m, name)
		}
	}
	g.streams.byName = m
	return nil
}

// saveStreams writes streams.json when ingestion times changed; the
// writer calls it with each flush.
func (g *Group) saveStreams() error {
	g.flushMu.Lock()
	defer g.flushMu.Unlock()
	if !g.streams.dirty || g.isDeleted() {
		return nil
	}
	if err := g.writeStreams(); err != nil {
		return errs.E(errs.Op("logs.saveStreams"), errs.IO, g.name, err)
	}
	return nil
}

// writeStreams replaces streams.json (removes it when no stream is left).
// Called with flushMu held.
func (g *Group) writeStreams() error {
	g.streams.dirty = false
	if len(g.streams.byName) == 0 {
		if err := os.Remove(g.streamsPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	if err := os.MkdirAll(g.dir, 0o755); err != nil {
		return err
	}
	b, err := json.Marshal(g.streams.byName)
	if err != nil {
		return err
	}
	tmp := g.streamsPath() + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, g.streamsPath())
}

// madeStreams returns a copy of the streams made by CreateStream.
func (g *Group) madeStreams() map[string]streamMeta {
	g.flushMu.Lock()
	defer g.flushMu.Unlock()
	out := make(map[string]streamMeta, len(g.streams.byName))
	for name, m := range g.streams.byName {
		out[name] = *m
	}
	return out
}

func (g *Group) isDeleted() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.deleted
}

// madeStreams returns a copy of the streams of group made by CreateStream
// (none for an unknown group).
func (s *Store) madeStreams(group string) map[string]streamMeta {
	g, err := s.lookup("", group)
	if err != nil {
		return nil
	}
	return g.madeStreams()
}

// streamGroup is the group of an existing stream; an unknown group or
// stream is an error of kind NotFound (wrapping ErrNoStream for the
// stream).
func (s *Store) streamGroup(op errs.Op, group, stream string) (*Group, error) {
	ok, err := s.HasStream(group, stream)
	if err != nil {
		return nil, errs.E(op, err)
	}
	if !ok {
		return nil, errs.E(op, errs.NotFound, stream, ErrNoStream)
	}
	return s.lookup(op, group)
}
