// Package watch announces the files written into a folder by anything but
// Verge (an editor, cp, a build tool), once per completed write, so a
// bucket's folder raises S3's ObjectCreated:Put and ObjectRemoved:Delete.
//
// Every folder under the root is watched (inotify on Linux, fsnotify
// elsewhere); a folder created later is watched, then scanned, so files
// made before its watch existed are seen too. Each file has one entry: the
// identity (size, modification time, inode) last announced, or found at
// start, and when it is next due. Events only make entries due:
//
//   - a close after writing (IN_CLOSE_WRITE), a file moved in, a removal or
//     a move away makes it due Settle later; without close events (other
//     systems) every write does, after a longer quiet period;
//   - a write (and, where closes are seen, a creation) makes it wait for
//     its close: a file being written is never announced half-way.
//
// A due file is looked at (lstat): a regular file whose identity differs
// from the entry's is announced as created; a missing one that was known
// is announced as removed; anything else (the same version, a symbolic
// link, a temporary file already renamed away) is not announced. So a
// creation and its close announce once, an editor's temporary file is
// never announced, and its rename over the target announces the target
// once. A removed folder makes every entry under it due. When the kernel's
// queue overflows, every folder is rescanned and every entry made due.
package watch

import (
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

const (
	// defaultSettle is how long a file stays quiet before it is announced.
	defaultSettle = 40 * time.Millisecond
	// minQuiet is the quiet period that ends a write where closes are not
	// reported: long enough to span a writer's pauses between chunks.
	minQuiet = 250 * time.Millisecond
	// eventBuffer is the channel between a source's reader and the loop.
	eventBuffer = 1024
)

// A Change is a file written (or removed) in the folder.
type Change struct {
	// Path is slash-separated, relative to the folder.
	Path string
	// Removed is set for a file removed or moved away.
	Removed bool
}

// Options configure a Watcher.
type Options struct {
	// Settle is how long a completed file stays quiet before it is
	// announced; 40ms when zero.
	Settle time.Duration
	// Ignore names paths (relative, slash-separated) never announced; an
	// ignored folder is not watched. Nil for none.
	Ignore func(rel string) bool
	// Logger gets the watcher's problems; nil for none.
	Logger *slog.Logger

	portable bool // tests: the fsnotify source, even on Linux
}

// A Watcher watches one folder tree.
type Watcher struct {
	root   string
	opts   Options
	emit   func(Change)
	src    source
	events chan event
	done   chan struct{}
	wg     sync.WaitGroup
	once   sync.Once

	// The rest belongs to the loop goroutine.
	files map[string]entry    // one per file: known or pending
	dirs  map[string]struct{} // watched folders, "" for the root
	queue []due               // due times, in order; stale items skipped
	timer *time.Timer
}

// Watch starts watching dir and calls emit, from one goroutine and in the
// order they happen, with each change. Files present now are known (their
// removal is announced) but not announced. emit must not call Close.
func Watch(dir string, o Options, emit func(Change)) (*Watcher, error) {
	const op errs.Op = "watch.Watch"
	// Watches do not follow symbolic links: a bucket folder that is one
	// (dist → build/out) is watched where it leads now.
	root, err := filepath.EvalSymlinks(dir)
	if err == nil {
		root, err = filepath.Abs(root)
	}
	if err != nil {
		return nil, errs.E(op, errs.IO, dir, err)
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return nil, errs.E(op, errs.Invalid, dir, errs.Errorf("not a folder"))
	}
	if o.Settle <= 0 {
		o.Settle = defaultSettle
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	w := &Watcher{
		root: root, opts: o, emit: emit,
		events: make(chan event, eventBuffer),
		done:   make(chan struct{}),
		files:  map[string]entry{},
		dirs:   map[string]struct{}{},
	}
	if w.src, err = newSource(root, w.events, w.done, o.portable); err != nil {
		return nil, errs.E(op, errs.IO, dir, err)
	}
	if err := w.walk("", time.Time{}); err != nil {
		close(w.done)
		w.src.close()
		return nil, errs.E(op, errs.IO, dir, err)
	}
	w.timer = time.NewTimer(time.Hour)
	w.timer.Stop()
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

// Close stops watching and waits for the watcher's goroutines. Changes not
// yet due are dropped.
func (w *Watcher) Close() error {
	var err error
	w.once.Do(func() {
		close(w.done)
		err = w.src.close()
		w.wg.Wait()
	})
	return err
}

// loop applies events and announces what falls due.
func (w *Watcher) loop() {
	defer w.wg.Done()
	defer w.timer.Stop()
	for {
		select {
		case <-w.done:
			return
		case ev := <-w.events:
			w.handle(ev, time.Now())
		case <-w.timer.C:
			w.fire(time.Now())
		}
		w.arm()
	}
}

// arm sets the timer for the earliest due entry.
func (w *Watcher) arm() {
	if len(w.queue) > 0 {
		w.timer.Reset(time.Until(w.queue[0].at))
	}
}
