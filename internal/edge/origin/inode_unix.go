//go:build unix

package origin

import (
	"io/fs"
	"syscall"
)

// inode is fi's inode number, or 0 when the platform hides it.
func inode(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino) //nolint:unconvert // uint32 on some platforms
	}
	return 0
}
