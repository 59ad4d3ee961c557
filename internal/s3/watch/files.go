package watch

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// identity tells one version of a file from another: a rewrite changes the
// size or the modification time, a replacement (rename over) the inode.
type identity struct {
	size, mtime int64
	ino         uint64
}

// An entry is what the watcher keeps of one file.
type entry struct {
	id    identity  // last announced or found at start; valid when known
	known bool      // its removal is announced
	at    time.Time // when it is due; zero when not (settled, or waiting for its close)
}

// A due item queues an entry's due time. Every item is pushed Settle (or
// the quiet period) after the event, so the queue is in time order; an
// item whose time is no longer its entry's is stale and skipped.
type due struct {
	rel string
	at  time.Time
}

// handle applies one event.
func (w *Watcher) handle(ev event, now time.Time) {
	switch {
	case ev.op == opOverflow:
		w.opts.Logger.Warn("watch: events lost; rescanning", "folder", w.root)
		w.resync(now)
		return
	case ev.op == opError:
		w.opts.Logger.Warn("watch: watching failed", "folder", w.root, "err", ev.err)
		return
	case ev.rel != "" && w.ignore(ev.rel):
		return
	}
	if _, ok := w.dirs[ev.rel]; ok && !ev.dir && (ev.op == opRemove || ev.op == opMovedOut) {
		ev.dir = true // a source that cannot tell a gone folder from a file
	}
	if ev.dir {
		w.folder(ev, now)
		return
	}
	switch ev.op {
	case opCreate:
		if w.src.closes() {
			w.hold(ev.rel)
		} else {
			w.settle(ev.rel, now.Add(w.quiet()))
		}
	case opWrite:
		if w.src.closes() {
			w.hold(ev.rel)
		} else {
			w.settle(ev.rel, now.Add(w.quiet()))
		}
	case opCloseWrite, opMovedIn, opRemove, opMovedOut:
		w.settle(ev.rel, now.Add(w.opts.Settle))
	}
}

// folder applies an event on a folder: one created or moved in is watched
// and scanned, one removed or moved away drops its watches and files.
func (w *Watcher) folder(ev event, now time.Time) {
	switch ev.op {
	case opCreate, opMovedIn:
		if err := w.walk(ev.rel, now.Add(w.opts.Settle)); err != nil {
			w.opts.Logger.Warn("watch: scanning a new folder failed", "folder", filepath.Join(w.root, ev.rel), "err", err)
		}
	case opRemove, opMovedOut:
		w.dropTree(ev.rel, now.Add(w.opts.Settle))
	}
}

// quiet is how long a file must go without writes where closes are not
// reported.
func (w *Watcher) quiet() time.Duration { return max(w.opts.Settle, minQuiet) }

// ignore reports whether rel, or a folder holding it, is ignored.
func (w *Watcher) ignore(rel string) bool {
	if w.opts.Ignore == nil {
		return false
	}
	for p := rel; p != "." && p != "/" && p != ""; p = path.Dir(p) {
		if w.opts.Ignore(p) {
			return true
		}
	}
	return false
}

// settle makes rel due at at.
func (w *Watcher) settle(rel string, at time.Time) {
	e := w.files[rel]
	e.at = at
	w.files[rel] = e
	w.queue = append(w.queue, due{rel, at})
}

// hold makes rel wait for its close: it is being written.
func (w *Watcher) hold(rel string) {
	e := w.files[rel]
	e.at = time.Time{}
	w.files[rel] = e
}

// fire resolves the entries due by now.
func (w *Watcher) fire(now time.Time) {
	n := 0
	for n < len(w.queue) && !w.queue[n].at.After(now) {
		d := w.queue[n]
		n++
		if e, ok := w.files[d.rel]; ok && e.at.Equal(d.at) {
			w.resolve(d.rel, e)
		}
	}
	w.queue = w.queue[n:]
	if len(w.queue) == 0 {
		w.queue = nil // let a burst's backing array go
	}
}

// resolve looks at a due file and announces what changed.
func (w *Watcher) resolve(rel string, e entry) {
	id, ok := w.stat(rel)
	switch {
	case ok && (!e.known || e.id != id):
		w.files[rel] = entry{id: id, known: true}
		w.emit(Change{Path: rel})
	case ok:
		e.at = time.Time{}
		w.files[rel] = e
	case e.known:
		delete(w.files, rel)
		w.emit(Change{Path: rel, Removed: true})
	default:
		delete(w.files, rel)
	}
}

// stat is rel's identity; ok is false unless it is a regular file.
func (w *Watcher) stat(rel string) (identity, bool) {
	fi, err := os.Lstat(filepath.Join(w.root, filepath.FromSlash(rel)))
	if err != nil || !fi.Mode().IsRegular() {
		return identity{}, false
	}
	return identityOf(fi), true
}

// walk watches rel and every folder under it, then makes the files found
// due at at, unless events already track them; a zero at records them as
// known instead (the start).
func (w *Watcher) walk(rel string, at time.Time) error {
	base := filepath.Join(w.root, filepath.FromSlash(rel))
	return filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		r := w.rel(p)
		switch {
		case err != nil && p == base:
			return err
		case err != nil:
			return nil // gone while walking, or unreadable: its events tell
		case r != "" && w.ignore(r):
			return skip(d)
		case d.IsDir():
			return w.watchDir(r)
		case !d.Type().IsRegular():
			return nil // symbolic links and devices are not objects
		case at.IsZero():
			if id, ok := w.stat(r); ok {
				w.files[r] = entry{id: id, known: true}
			}
		default:
			if _, seen := w.files[r]; !seen { // else its events track it
				w.settle(r, at)
			}
		}
		return nil
	})
}

// watchDir adds the watch on folder rel, before WalkDir lists it. A folder
// that vanished meanwhile is skipped: its removal is reported.
func (w *Watcher) watchDir(rel string) error {
	if err := w.src.add(rel); err != nil {
		if errors.Is(err, fs.ErrNotExist) && rel != "" {
			return filepath.SkipDir
		}
		if rel == "" {
			return err
		}
		w.opts.Logger.Warn("watch: a folder cannot be watched", "folder", filepath.Join(w.root, rel), "err", err)
		return filepath.SkipDir
	}
	w.dirs[rel] = struct{}{}
	return nil
}

// skip is WalkDir's answer for an ignored entry.
func skip(d fs.DirEntry) error {
	if d.IsDir() {
		return filepath.SkipDir
	}
	return nil
}

// rel is p relative to the root, slash-separated; "" for the root.
func (w *Watcher) rel(p string) string {
	r, err := filepath.Rel(w.root, p)
	if err != nil || r == "." {
		return ""
	}
	return filepath.ToSlash(r)
}

// dropTree forgets the folders at and under rel and makes every file under
// it due, so the known ones are announced as removed.
func (w *Watcher) dropTree(rel string, at time.Time) {
	under := func(p string) bool { return rel == "" || p == rel || strings.HasPrefix(p, rel+"/") }
	for d := range w.dirs {
		if under(d) {
			delete(w.dirs, d)
		}
	}
	w.src.remove(rel)
	for f := range w.files {
		if under(f) {
			w.settle(f, at)
		}
	}
	if rel == "" {
		w.opts.Logger.Warn("watch: the folder is gone", "folder", w.root)
	}
}

// resync recovers from lost events: every folder is watched again and
// every file, known or found, is looked at.
func (w *Watcher) resync(now time.Time) {
	at := now.Add(w.opts.Settle)
	for f := range w.files {
		w.settle(f, at)
	}
	if err := w.walk("", at); err != nil {
		w.opts.Logger.Warn("watch: rescanning failed", "folder", w.root, "err", err)
	}
}
