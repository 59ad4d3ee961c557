package engine

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/verge-edge/verge/internal/errs"
)

// lockFile is the data folder's lock: held (flock) by the one process that
// runs on the folder, and holding its PID for the message another gets.
const lockFile = "verge.lock"

// lockData takes the data folder's advisory lock; another process holding
// it is an errs.Exist error naming the folder and that process. The kernel
// drops the lock when the process dies, however it dies.
func lockData(dir string) (*os.File, error) {
	const op errs.Op = "engine.Open"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			holder := "another process"
			if b, err := os.ReadFile(path); err == nil && len(bytes.TrimSpace(b)) > 0 {
				holder = "PID " + string(bytes.TrimSpace(b))
			}
			return nil, errs.E(op, errs.Exist, errs.Errorf("the data folder %s is in use by %s (one verge dev or serve per data folder; give another --data)", dir, holder))
		}
		return nil, errs.E(op, errs.IO, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}
