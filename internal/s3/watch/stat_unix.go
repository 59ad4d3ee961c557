//go:build unix

package watch

import (
	"io/fs"
	"syscall"
)

// identityOf is fi's identity.
func identityOf(fi fs.FileInfo) identity {
	id := identity{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.ino = uint64(st.Ino) //nolint:unconvert // uint32 on some platforms
	}
	return id
}
