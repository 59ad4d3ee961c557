//go:build unix

package s3

import (
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// openFlags opens without blocking: a FIFO planted in a bucket folder must
// not hang a read. Regular files ignore O_NONBLOCK.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK

// identityOf is the identity of the file fi describes.
func identityOf(fi fs.FileInfo) identity {
	id := identity{Size: fi.Size(), MTime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.Ino = uint64(st.Ino) //nolint:unconvert // uint32 on some platforms
	}
	return id
}

// deviceOf is the device of the folder at path.
func deviceOf(path string) (uint64, bool) {
	var st unix.Stat_t
	if unix.Stat(path, &st) != nil {
		return 0, false
	}
	return uint64(st.Dev), true //nolint:unconvert // uint32 on some platforms
}

// createIn creates the new file name in the folder dir.
func createIn(dir *os.File, name string) (*os.File, error) {
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o666)
	if err != nil {
		return nil, &os.PathError{Op: "create", Path: name, Err: err}
	}
	return os.NewFile(uintptr(fd), name), nil
}

// renameInto moves from (in the folder fromDir) to to (in toDir). to is a
// single name, so no symbolic link is followed on the way there.
func renameInto(fromDir *os.File, from string, toDir *os.File, to string) error {
	if err := unix.Renameat(int(fromDir.Fd()), from, int(toDir.Fd()), to); err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	return nil
}

// removeIn removes name from the folder dir.
func removeIn(dir *os.File, name string) error {
	return unix.Unlinkat(int(dir.Fd()), name, 0)
}
