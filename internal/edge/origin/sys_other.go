//go:build !unix

package origin

import (
	"io/fs"
	"os"
)

// openFlags opens read-only; only Unix has FIFOs to guard against.
const openFlags = os.O_RDONLY

// inode is 0 where the platform hides inode numbers; size and modification
// time then identify a file version.
func inode(fs.FileInfo) uint64 { return 0 }
