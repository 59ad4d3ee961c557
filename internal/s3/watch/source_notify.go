package watch

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/fsnotify/fsnotify"
)

// notify is the portable source: fsnotify reports no closes, so a file is
// complete once its writes stop for a quiet period.
type notify struct {
	root    string
	w       *fsnotify.Watcher
	out     chan<- event
	done    <-chan struct{}
	wg      sync.WaitGroup
	watched map[string]struct{} // folders, relative; the loop's only
}

func newNotify(root string, out chan<- event, done <-chan struct{}) (*notify, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	s := &notify{root: root, w: fw, out: out, done: done, watched: map[string]struct{}{}}
	s.wg.Add(1)
	go s.read()
	return s, nil
}

func (s *notify) closes() bool { return false }

func (s *notify) abs(rel string) string { return filepath.Join(s.root, filepath.FromSlash(rel)) }

func (s *notify) add(rel string) error {
	if err := s.w.Add(s.abs(rel)); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return os.ErrNotExist
		}
		return err
	}
	s.watched[rel] = struct{}{}
	return nil
}

func (s *notify) remove(rel string) {
	for d := range s.watched {
		if rel == "" || d == rel || strings.HasPrefix(d, rel+"/") {
			_ = s.w.Remove(s.abs(d)) // gone already when deleted
			delete(s.watched, d)
		}
	}
}

func (s *notify) close() error {
	err := s.w.Close()
	s.wg.Wait()
	return err
}

// read translates fsnotify's events until it closes.
func (s *notify) read() {
	defer s.wg.Done()
	for {
		var ev event
		select {
		case <-s.done:
			return
		case fe, ok := <-s.w.Events:
			if !ok {
				return
			}
			if ev, ok = s.translate(fe); !ok {
				continue
			}
		case err, ok := <-s.w.Errors:
			if !ok {
				return
			}
			ev = event{op: opError, err: err}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				ev = event{op: opOverflow}
			}
		}
		select {
		case s.out <- ev:
		case <-s.done:
			return
		}
	}
}

// translate turns an fsnotify event into the loop's; ok is false for
// those the loop does not need (attribute changes, paths outside).
func (s *notify) translate(fe fsnotify.Event) (event, bool) {
	r, err := filepath.Rel(s.root, fe.Name)
	if err != nil || r == "." || !filepath.IsLocal(r) {
		return event{}, false
	}
	ev := event{rel: filepath.ToSlash(r)}
	switch {
	case fe.Has(fsnotify.Create):
		// A creation and a move in look alike here; both settle.
		ev.op = opCreate
		fi, err := os.Lstat(fe.Name)
		ev.dir = err == nil && fi.IsDir()
	case fe.Has(fsnotify.Write):
		ev.op = opWrite
	case fe.Has(fsnotify.Remove):
		ev.op = opRemove
	case fe.Has(fsnotify.Rename):
		ev.op = opMovedOut
	default:
		return event{}, false
	}
	return ev, true
}
