//go:build unix

package origin

import (
	"io/fs"
	"os"
	"syscall"
)

// openFlags opens without blocking: a FIFO planted in the folder must not
// hang the fetch until something writes to it. Regular files ignore
// O_NONBLOCK.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK

// inode is fi's inode number, or 0 when the platform hides it.
func inode(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino) //nolint:unconvert // uint32 on some platforms
	}
	return 0
}
