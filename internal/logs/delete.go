package logs

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// DeleteGroup deletes a group and its events, as DeleteLogGroup does; an
// unknown group is an error of kind NotFound. A function still logging to
// the group brings it back with its next Append, as Lambda recreates a
// deleted group.
func (s *Store) DeleteGroup(name string) error {
	const op errs.Op = "logs.DeleteGroup"
	s.mu.Lock()
	g := s.groups[name]
	delete(s.groups, name)
	s.mu.Unlock()
	if g == nil {
		return errs.E(op, errs.NotFound, name, errs.Errorf("no log group %q", name))
	}
	g.flushMu.Lock()
	defer g.flushMu.Unlock()
	g.mu.Lock()
	g.deleted = true
	clear(g.pending)
	g.pending, g.pendingBytes, g.droppedSince = g.pending[:0], 0, 0
	g.mu.Unlock()
	if g.file != nil {
		_ = g.file.Close()
		g.file, g.fileDay = nil, ""
	}
	g.created, g.born, g.class, g.streams = false, 0, "", streamSet{}
	if err := os.RemoveAll(g.dir); err != nil {
		return errs.E(op, errs.IO, name, err)
	}
	return nil
}

// revive returns the group that takes over from g, deleted: a group
// created since under the same name, or g itself registered again.
func (s *Store) revive(g *Group) *Group {
	s.mu.Lock()
	cur := s.groups[g.name]
	if cur == nil {
		s.groups[g.name] = g
		g.mu.Lock()
		g.deleted = false
		g.mu.Unlock()
		cur = g
	}
	s.mu.Unlock()
	if cur == g {
		g.init(time.Duration(g.retention.Load()))
	}
	return cur
}

// DeleteStream deletes a stream and its events from group, as
// DeleteLogStream does: the day files are rewritten without them. An
// unknown group or stream is an error of kind NotFound (wrapping
// ErrNoStream for the stream).
func (s *Store) DeleteStream(group, stream string) error {
	const op errs.Op = "logs.DeleteStream"
	g, err := s.streamGroup(op, group, stream)
	if err != nil {
		return err
	}
	if err := g.purge(stream); err != nil {
		return errs.E(op, errs.IO, group, err)
	}
	return nil
}

// purge removes a stream's events, queued and written, and its entry in
// streams.json.
func (g *Group) purge(stream string) error {
	g.flushMu.Lock()
	defer g.flushMu.Unlock()
	g.mu.Lock()
	kept := g.pending[:0]
	g.pendingBytes = 0
	for _, ev := range g.pending {
		if ev.Stream != stream {
			kept = append(kept, ev)
			g.pendingBytes += eventSize(ev)
		}
	}
	clear(g.pending[len(kept):])
	g.pending = kept
	g.mu.Unlock()
	if g.file != nil { // its inode is about to be replaced
		_ = g.file.Close()
		g.file, g.fileDay = nil, ""
	}
	files, err := g.dayFiles()
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := rewriteWithout(f.Path, stream); err != nil {
			return err
		}
	}
	if g.streams.byName[stream] != nil {
		delete(g.streams.byName, stream)
		return g.writeStreams()
	}
	return nil
}

// rewriteWithout rewrites a day file without the records of stream,
// through a temporary file renamed over it; a file left empty is removed.
// Lines that do not parse are kept as they are.
func rewriteWithout(path, stream string) error {
	in, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer in.Close()
	var out bytes.Buffer
	removed := false
	r := bufio.NewReaderSize(in, 64<<10)
	prev := ""
	for {
		line, err := r.ReadBytes('\n')
		if t := bytes.TrimSpace(line); len(t) > 0 {
			ev, derr := decodeRecord(t, prev)
			if derr == nil && ev.Stream == stream {
				removed = true
			} else {
				if derr == nil {
					prev = ev.Stream
				}
				out.Write(t)
				out.WriteByte('\n')
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if !removed {
		return nil
	}
	if out.Len() == 0 {
		return os.Remove(path)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, out.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
