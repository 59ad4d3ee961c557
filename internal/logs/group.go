package logs

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/verge-edge/verge/internal/errs"
)

var errClosed = errors.New("log store closed")

// Group is one log group. Its methods are safe for concurrent use.
type Group struct {
	s         *Store
	name      string
	dir       string
	retention atomic.Int64 // time.Duration

	mu           sync.Mutex // guards the fields below
	pending      []Event    // appended, not yet written
	spare        []Event    // the last written batch, reused as the next queue
	pendingBytes int
	droppedSince uint64 // dropped since the last flush
	initErr      error  // the group cannot be written at all
	writeErr     error  // the last write failed
	followers    map[*follower]struct{}
	deleted      bool // by Store.DeleteGroup: Append brings the group back

	flushMu sync.Mutex        // held while writing or reading the directory; guards below
	created bool              // the folder and group.json exist
	metaRet int64             // the retention group.json holds, in seconds
	born    int64             // creation time, Unix milliseconds (group.json)
	class   string            // the log group class CreateGroup was given (group.json)
	tags    map[string]string // group.json; replaced, never changed in place
	streams streamSet         // the streams made by CreateLogStream (streams.go)
	file    *os.File          // the newest day file written
	fileDay string
	wbuf    []byte
}

func newGroup(s *Store, name, dir string) *Group {
	return &Group{s: s, name: name, dir: dir, followers: map[*follower]struct{}{}}
}

// Name returns the group's name.
func (g *Group) Name() string { return g.name }

// init creates the group's folder and records its retention.
func (g *Group) init(retention time.Duration) {
	const op errs.Op = "logs.Group"
	g.retention.Store(int64(retention))
	g.flushMu.Lock()
	defer g.flushMu.Unlock()
	var err error
	switch secs := int64(retention / time.Second); {
	case g.name == "":
		err = errs.E(op, errs.Invalid, errs.Errorf("empty log group name"))
	case g.s.closed.Load():
		return // Append will say so; the files are no longer ours
	case !g.created || g.metaRet != secs:
		if err = g.writeMeta(secs); err != nil {
			err = errs.E(op, errs.IO, g.name, err)
		}
	}
	g.mu.Lock()
	g.initErr = err
	g.mu.Unlock()
}

func (g *Group) writeMeta(secs int64) error {
	if err := os.MkdirAll(g.dir, 0o755); err != nil {
		return err
	}
	if g.born == 0 {
		g.born = time.Now().UnixMilli()
	}
	b, _ := json.Marshal(meta{Name: g.name, Retention: secs, Created: g.born, Class: g.class, Tags: g.tags})
	tmp := filepath.Join(g.dir, metaFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(g.dir, metaFile)); err != nil {
		return err
	}
	g.created, g.metaRet = true, secs
	return nil
}

// Append queues events for writing and hands them to followers. It never
// blocks on the disk: when the group's queue is full the events are dropped
// and counted. A zero Time means now. It returns an error when the store is
// closed or the group cannot be written (the last write failed).
func (g *Group) Append(evs ...Event) error {
	const op errs.Op = "logs.Append"
	var now time.Time
	max := g.s.opt.MaxPendingBytes
	g.mu.Lock()
	if g.s.closed.Load() {
		g.mu.Unlock()
		return errs.E(op, errs.Unavailable, g.name, errClosed)
	}
	if err := g.initErr; err != nil {
		g.mu.Unlock()
		return err
	}
	if g.deleted {
		g.mu.Unlock()
		return g.s.revive(g).Append(evs...)
	}
	for _, ev := range evs {
		ev = normalize(ev, &now)
		n := eventSize(ev)
		if g.pendingBytes+n > max {
			g.droppedSince++
			g.s.dropped.Add(1)
			continue
		}
		g.pending = append(g.pending, ev)
		g.pendingBytes += n
		for f := range g.followers {
			f.push(ev, g.s.opt.MaxFollowBytes)
		}
		g.s.notify(g, ev)
	}
	full := g.pendingBytes > max/2
	err := g.writeErr
	g.mu.Unlock()
	if full {
		g.s.wake()
	}
	if err != nil {
		return errs.E(op, g.name, err)
	}
	return nil
}

// normalize fills in a zero time, rounds it to the millisecond as stored,
// and truncates an oversized message.
func normalize(ev Event, now *time.Time) Event {
	if ev.Time.IsZero() {
		if now.IsZero() {
			*now = time.Now()
		}
		ev.Time = *now
	}
	ev.Time = time.UnixMilli(ev.Time.UnixMilli()).UTC()
	if len(ev.Message) > MaxMessageBytes {
		ev.Message = truncate(ev.Message, MaxMessageBytes)
	}
	return ev
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func eventSize(ev Event) int { return len(ev.Stream) + len(ev.Message) + eventOverhead }

// flush writes the queued events to their day files.
func (g *Group) flush() error {
	g.flushMu.Lock()
	defer g.flushMu.Unlock()
	g.mu.Lock()
	if len(g.pending) == 0 && g.droppedSince == 0 {
		g.mu.Unlock()
		return nil
	}
	batch := g.pending
	g.pending, g.spare, g.pendingBytes = g.spare[:0], nil, 0
	if g.droppedSince > 0 {
		m := dropMarker(g.droppedSince)
		g.droppedSince = 0
		batch = append(batch, m)
		for f := range g.followers {
			f.push(m, g.s.opt.MaxFollowBytes)
		}
	}
	g.mu.Unlock()

	err := g.write(batch)
	clear(batch) // let the strings go
	g.mu.Lock()
	if g.spare == nil && cap(batch) <= 1<<16 {
		g.spare = batch[:0]
	}
	g.writeErr = err
	g.mu.Unlock()
	if err != nil {
		return errs.E(errs.Op("logs.flush"), errs.IO, g.name, err)
	}
	return nil
}

func dropMarker(n uint64) Event {
	return Event{
		Time:    time.UnixMilli(time.Now().UnixMilli()).UTC(),
		Stream:  markerStream,
		Message: "[verge] " + itoa(n) + " log events dropped: the log buffer was full",
	}
}

// write appends batch to the day files, one write per run of events of the
// same day. Called with flushMu held.
func (g *Group) write(batch []Event) error {
	var firstErr error
	b := g.wbuf[:0]
	curDay := int64(-1 << 62)
	for _, ev := range batch {
		ms := ev.Time.UnixMilli()
		d := floorDiv(ms, 24*3600*1000)
		if d != curDay && len(b) > 0 {
			if err := g.writeDay(curDay, b); err != nil && firstErr == nil {
				firstErr = err
			}
			b = b[:0]
		}
		curDay = d
		b = appendRecord(b, ms, ev.Stream, ev.Message)
	}
	if len(b) > 0 {
		if err := g.writeDay(curDay, b); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if cap(b) <= 1<<20 {
		g.wbuf = b[:0]
	} else {
		g.wbuf = nil
	}
	return firstErr
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// writeDay appends b to the file of day d (days since the epoch). The newest
// day's file stays open; older days, written only by late events, are
// opened for the write.
func (g *Group) writeDay(d int64, b []byte) error {
	day := time.Unix(d*24*3600, 0).UTC().Format(dayFmt)
	if day == g.fileDay && g.file != nil {
		_, err := g.file.Write(b)
		return err
	}
	f, err := g.openDay(day)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if day > g.fileDay {
		if g.file != nil {
			_ = g.file.Close()
		}
		g.file, g.fileDay = f, day
		return err
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// openDay opens a day file for appending; a last line cut short (by a
// crash) is ended so the next record starts on its own line.
func (g *Group) openDay(day string) (*os.File, error) {
	path := filepath.Join(g.dir, day+dayExt)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if errors.Is(err, fs.ErrNotExist) { // the folder was removed under us
		if err = os.MkdirAll(g.dir, 0o755); err == nil {
			f, err = os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
		}
	}
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); (err == nil || err == io.EOF) && last[0] != '\n' {
			_, _ = f.Write([]byte{'\n'})
		}
	}
	return f, nil
}

func (g *Group) closeFile() error {
	g.flushMu.Lock()
	defer g.flushMu.Unlock()
	if g.file == nil {
		return nil
	}
	err := g.file.Close()
	g.file, g.fileDay = nil, ""
	if err != nil {
		return errs.E(errs.IO, g.name, err)
	}
	return nil
}

// dayFile is a day file as seen by a reader: Size is how much of it was
// written when the reader looked, and it reads no further.
type dayFile struct {
	Day  string
	Path string
	Size int64
}

// snapshot lists the day files and copies the queue at one instant, with
// the writer held off, so that together they hold every event appended so
// far; f, if not nil, starts following at that instant.
func (g *Group) snapshot(f *follower) ([]dayFile, []Event, error) {
	g.flushMu.Lock()
	defer g.flushMu.Unlock()
	files, err := g.dayFiles()
	if err != nil {
		return nil, nil, err
	}
	g.mu.Lock()
	pending := append([]Event(nil), g.pending...)
	if f != nil {
		g.followers[f] = struct{}{}
	}
	g.mu.Unlock()
	return files, pending, nil
}

// dayFiles lists the day files, oldest first. Called with flushMu held.
func (g *Group) dayFiles() ([]dayFile, error) {
	entries, err := os.ReadDir(g.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.E(errs.IO, g.dir, err)
	}
	var files []dayFile
	for _, e := range entries {
		day, ok := strings.CutSuffix(e.Name(), dayExt)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if _, err := time.Parse(dayFmt, day); err != nil {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		files = append(files, dayFile{Day: day, Path: filepath.Join(g.dir, e.Name()), Size: fi.Size()})
	}
	return files, nil
}

// sweep deletes the day files that end at or before cutoff.
func (g *Group) sweep(cutoff time.Time) error {
	g.flushMu.Lock()
	defer g.flushMu.Unlock()
	files, err := g.dayFiles()
	if err != nil {
		return err
	}
	var el errs.List
	for _, f := range files {
		start, _ := time.Parse(dayFmt, f.Day)
		if start.Add(24 * time.Hour).After(cutoff) {
			continue
		}
		if f.Day == g.fileDay && g.file != nil {
			_ = g.file.Close()
			g.file, g.fileDay = nil, ""
		}
		if err := os.Remove(f.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			el = append(el, errs.E(errs.IO, f.Path, err))
		}
	}
	return el.Err()
}

// follower is a Follow in progress: Append hands it new events.
type follower struct {
	wake    chan struct{} // signalled when buf grows
	buf     []Event       // guarded by the group's mu
	bytes   int
	skipped uint64 // events not queued because buf was full
}

func newFollower() *follower { return &follower{wake: make(chan struct{}, 1)} }

// push queues ev, or counts it skipped. Called with the group's mu held.
func (f *follower) push(ev Event, max int) {
	if n := eventSize(ev); f.bytes+n <= max {
		f.buf = append(f.buf, ev)
		f.bytes += n
	} else {
		f.skipped++
	}
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// take returns and clears f's queue and skipped count.
func (g *Group) take(f *follower) ([]Event, uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	buf, skipped := f.buf, f.skipped
	f.buf, f.bytes, f.skipped = nil, 0, 0
	return buf, skipped
}

func (g *Group) unfollow(f *follower) {
	g.mu.Lock()
	delete(g.followers, f)
	g.mu.Unlock()
}

func (g *Group) followerCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.followers)
}
