package logs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// Event is one log event.
type Event struct {
	Time    time.Time // when the line was produced (kept to the millisecond)
	Stream  string    // log stream, e.g. "2026/11/22/[$LATEST]0123…" (one per sandbox)
	Message string    // the line, without the trailing newline
}

// Options tunes a Store; zero fields take the defaults.
type Options struct {
	// FlushInterval is how often queued events are written (150 ms).
	FlushInterval time.Duration
	// SweepInterval is how often expired days are deleted (1 h); negative
	// disables the periodic sweep (Sweep can still be called).
	SweepInterval time.Duration
	// MaxPendingBytes bounds each group's queue of unwritten events (8 MiB).
	MaxPendingBytes int
	// MaxFollowBytes bounds each follower's queue of undelivered events (4 MiB).
	MaxFollowBytes int
}

func (o Options) withDefaults() Options {
	if o.FlushInterval <= 0 {
		o.FlushInterval = defaultFlushInterval
	}
	if o.SweepInterval == 0 {
		o.SweepInterval = defaultSweepInterval
	}
	if o.MaxPendingBytes <= 0 {
		o.MaxPendingBytes = defaultMaxPendingBytes
	}
	if o.MaxFollowBytes <= 0 {
		o.MaxFollowBytes = defaultMaxFollowBytes
	}
	return o
}

// Store is a directory of log groups. Its methods are safe for concurrent use.
type Store struct {
	dir string
	opt Options

	mu     sync.Mutex
	groups map[string]*Group

	closed    atomic.Bool
	done      chan struct{} // closed by Close
	kick      chan struct{} // asks the writer to flush now
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
	dropped   atomic.Uint64
	sink      atomic.Pointer[Sink] // see SetSink
}

// Open opens the store in dir (DATA/logs), creating it, with default Options.
func Open(dir string) (*Store, error) { return OpenOptions(dir, Options{}) }

// OpenOptions opens the store in dir, creating it, and starts its writer.
func OpenOptions(dir string, o Options) (*Store, error) {
	const op errs.Op = "logs.Open"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, errs.E(op, errs.IO, dir, err)
	}
	s := &Store{
		dir:    dir,
		opt:    o.withDefaults(),
		groups: map[string]*Group{},
		done:   make(chan struct{}),
		kick:   make(chan struct{}, 1),
	}
	if err := s.load(); err != nil {
		return nil, errs.E(op, err)
	}
	s.wg.Add(1)
	go s.run()
	return s, nil
}

// meta is a group's group.json.
type meta struct {
	Name      string            `json:"name"`
	Retention int64             `json:"retentionSeconds,omitempty"`
	Created   int64             `json:"created,omitempty"` // Unix milliseconds
	Class     string            `json:"class,omitempty"`   // CloudWatch's log group class, as created
	Tags      map[string]string `json:"tags,omitempty"`
}

// load registers the groups found on disk.
func (s *Store) load() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return errs.E(errs.IO, s.dir, err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		path := filepath.Join(s.dir, e.Name())
		b, err := os.ReadFile(filepath.Join(path, metaFile))
		if err != nil {
			continue // not a group folder
		}
		var m meta
		if json.Unmarshal(b, &m) != nil || m.Name == "" || groupDir(m.Name) != e.Name() {
			continue
		}
		g := newGroup(s, m.Name, path)
		g.retention.Store(m.Retention * int64(time.Second))
		g.created, g.metaRet, g.born, g.class, g.tags = true, m.Retention, m.Created, m.Class, m.Tags
		if g.born == 0 { // written before creation times were kept
			g.born = bornBefore(path)
		}
		_ = g.loadStreams() // a damaged streams.json loses the empty streams, not the group
		s.groups[m.Name] = g
	}
	return nil
}

// run is the writer: it flushes every group periodically and on demand, and
// sweeps expired days.
func (s *Store) run() {
	defer s.wg.Done()
	flush := time.NewTicker(s.opt.FlushInterval)
	defer flush.Stop()
	var sweep <-chan time.Time
	if s.opt.SweepInterval > 0 {
		t := time.NewTicker(s.opt.SweepInterval)
		defer t.Stop()
		sweep = t.C
		_ = s.Sweep(time.Now()) // errors are retried at the next sweep
	}
	for {
		select {
		case <-s.done:
			return
		case <-flush.C:
			s.flushAll()
		case <-s.kick:
			s.flushAll()
		case now := <-sweep:
			_ = s.Sweep(now)
		}
	}
}

func (s *Store) list() []*Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	gs := make([]*Group, 0, len(s.groups))
	for _, g := range s.groups {
		gs = append(gs, g)
	}
	return gs
}

func (s *Store) flushAll() error {
	var el errs.List
	for _, g := range s.list() {
		if err := g.flush(); err != nil {
			el = append(el, err)
		}
		if err := g.saveStreams(); err != nil {
			el = append(el, err)
		}
	}
	return el.Err()
}

// wake asks the writer to flush soon, without blocking.
func (s *Store) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Close writes every queued event, stops the writer and closes the files.
// Appends after Close fail; followers return.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		close(s.done)
		s.wg.Wait()
		var el errs.List
		for _, g := range s.list() {
			if err := g.flush(); err != nil {
				el = append(el, err)
			}
			if err := g.saveStreams(); err != nil {
				el = append(el, err)
			}
			if err := g.closeFile(); err != nil {
				el = append(el, err)
			}
		}
		if err := el.Err(); err != nil {
			s.closeErr = errs.E(errs.Op("logs.Close"), err)
		}
	})
	return s.closeErr
}

// Group returns the group called name, creating it on first use, and sets its
// retention (0: keep forever). A group whose folder cannot be made, or whose
// name is empty, returns its error from Append.
func (s *Store) Group(name string, retention time.Duration) *Group {
	s.mu.Lock()
	g, ok := s.groups[name]
	if !ok {
		g = newGroup(s, name, filepath.Join(s.dir, groupDir(name)))
		s.groups[name] = g
	}
	s.mu.Unlock()
	g.init(retention)
	return g
}

// Groups returns the names of the groups, sorted.
func (s *Store) Groups() []string {
	s.mu.Lock()
	names := make([]string, 0, len(s.groups))
	for n := range s.groups {
		names = append(names, n)
	}
	s.mu.Unlock()
	slices.Sort(names)
	return names
}

// Dropped returns how many events were dropped because a queue was full.
func (s *Store) Dropped() uint64 { return s.dropped.Load() }

// lookup returns the group called name, or an error of kind NotFound.
func (s *Store) lookup(op errs.Op, name string) (*Group, error) {
	s.mu.Lock()
	g := s.groups[name]
	s.mu.Unlock()
	if g == nil {
		return nil, errs.E(op, errs.NotFound, name, errs.Errorf("no log group %q", name))
	}
	return g, nil
}

// Sweep deletes the day files that lie wholly before now minus each group's
// retention. The writer calls it every SweepInterval.
func (s *Store) Sweep(now time.Time) error {
	var el errs.List
	for _, g := range s.list() {
		if r := time.Duration(g.retention.Load()); r > 0 {
			if err := g.sweep(now.Add(-r)); err != nil {
				el = append(el, err)
			}
		}
	}
	if err := el.Err(); err != nil {
		return errs.E(errs.Op("logs.Sweep"), err)
	}
	return nil
}

// bornBefore stands in for the creation time of a group written before
// group.json kept one: the earlier of group.json's modification and the
// start of the group's oldest day file, in Unix milliseconds.
func bornBefore(dir string) int64 {
	var born time.Time
	if fi, err := os.Stat(filepath.Join(dir, metaFile)); err == nil {
		born = fi.ModTime()
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		day, ok := strings.CutSuffix(e.Name(), dayExt)
		if t, err := time.Parse(dayFmt, day); ok && err == nil && (born.IsZero() || t.Before(born)) {
			born = t
		}
	}
	if born.IsZero() {
		return 0
	}
	return born.UnixMilli()
}
