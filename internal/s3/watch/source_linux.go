//go:build linux

package watch

import (
	"encoding/binary"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// inotifyMask is what a folder's watch reports. IN_CLOSE_WRITE is why this
// source exists: fsnotify v1.10 keeps it unexported.
const inotifyMask = unix.IN_CREATE | unix.IN_MODIFY | unix.IN_CLOSE_WRITE |
	unix.IN_DELETE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO |
	unix.IN_DELETE_SELF | unix.IN_MOVE_SELF |
	unix.IN_ONLYDIR | unix.IN_DONT_FOLLOW | unix.IN_EXCL_UNLINK

// inotifyBuffer holds many events per read (each is 16 bytes and a name).
const inotifyBuffer = 64 << 10

// newSource is inotify, or fsnotify when portable asks for it.
func newSource(root string, out chan<- event, done <-chan struct{}, portable bool) (source, error) {
	if portable {
		return newNotify(root, out, done)
	}
	return newInotify(root, out, done)
}

// inotify reads the kernel's events for the watched folders.
type inotify struct {
	root string
	fd   int
	f    *os.File // fd, read through the runtime's poller; closing it ends read
	out  chan<- event
	done <-chan struct{}
	wg   sync.WaitGroup

	mu   sync.Mutex
	dirs map[int32]string // watch descriptor → folder, relative
	wds  map[string]int32
}

func newInotify(root string, out chan<- event, done <-chan struct{}) (*inotify, error) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil, os.NewSyscallError("inotify_init1", err)
	}
	s := &inotify{root: root, fd: fd, f: os.NewFile(uintptr(fd), "inotify"), out: out, done: done,
		dirs: map[int32]string{}, wds: map[string]int32{}}
	s.wg.Add(1)
	go s.read()
	return s, nil
}

func (s *inotify) closes() bool { return true }

func (s *inotify) add(rel string) error {
	wd, err := unix.InotifyAddWatch(s.fd, filepath.Join(s.root, filepath.FromSlash(rel)), inotifyMask)
	if err != nil {
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) {
			return os.ErrNotExist
		}
		return os.NewSyscallError("inotify_add_watch", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.wds[rel]; ok && old != int32(wd) {
		delete(s.dirs, old)
	}
	s.dirs[int32(wd)] = rel
	s.wds[rel] = int32(wd)
	return nil
}

// remove drops the watches at and under rel. Their events still queued
// are dropped with them: their descriptors no longer map to a folder.
func (s *inotify) remove(rel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for d, wd := range s.wds {
		if rel == "" || d == rel || strings.HasPrefix(d, rel+"/") {
			_, _ = unix.InotifyRmWatch(s.fd, uint32(wd)) // gone already when deleted
			delete(s.wds, d)
			delete(s.dirs, wd)
		}
	}
}

func (s *inotify) close() error {
	err := s.f.Close()
	s.wg.Wait()
	return err
}

// read decodes events until the file is closed.
func (s *inotify) read() {
	defer s.wg.Done()
	buf := make([]byte, inotifyBuffer)
	for {
		n, err := s.f.Read(buf)
		if err != nil {
			if !errors.Is(err, os.ErrClosed) {
				s.send(event{op: opError, err: err})
			}
			return
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			wd := int32(binary.NativeEndian.Uint32(buf[off:]))
			mask := binary.NativeEndian.Uint32(buf[off+4:])
			nameLen := int(binary.NativeEndian.Uint32(buf[off+12:]))
			name := strings.TrimRight(string(buf[off+unix.SizeofInotifyEvent:off+unix.SizeofInotifyEvent+nameLen]), "\x00")
			off += unix.SizeofInotifyEvent + nameLen
			if ev, ok := s.decode(wd, mask, name); ok && !s.send(ev) {
				return
			}
		}
	}
}

// send hands ev to the loop; false once the watcher is closing.
func (s *inotify) send(ev event) bool {
	select {
	case s.out <- ev:
		return true
	case <-s.done:
		return false
	}
}

// decode turns one kernel event into the loop's; ok is false for those the
// loop does not need.
func (s *inotify) decode(wd int32, mask uint32, name string) (event, bool) {
	if mask&unix.IN_Q_OVERFLOW != 0 {
		return event{op: opOverflow}, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	dir, ok := s.dirs[wd]
	if mask&unix.IN_IGNORED != 0 {
		if ok {
			delete(s.dirs, wd)
			delete(s.wds, dir)
		}
		return event{}, false
	}
	if !ok {
		return event{}, false
	}
	if name == "" {
		// The folder itself went: its parent reports that, but the root
		// has no watched parent.
		return event{rel: "", op: opRemove, dir: true}, dir == "" && mask&(unix.IN_DELETE_SELF|unix.IN_MOVE_SELF) != 0
	}
	ev := event{rel: path.Join(dir, name), dir: mask&unix.IN_ISDIR != 0}
	switch {
	case mask&unix.IN_CLOSE_WRITE != 0:
		ev.op = opCloseWrite
	case mask&unix.IN_MODIFY != 0:
		ev.op = opWrite
	case mask&unix.IN_CREATE != 0:
		ev.op = opCreate
	case mask&unix.IN_MOVED_TO != 0:
		ev.op = opMovedIn
	case mask&unix.IN_DELETE != 0:
		ev.op = opRemove
	case mask&unix.IN_MOVED_FROM != 0:
		ev.op = opMovedOut
	default:
		return event{}, false
	}
	return ev, true
}
