package s3

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"
)

// A temp is a temporary file being written, to be renamed into place.
type temp struct {
	f    *os.File
	dir  *os.File // the folder it is in
	name string
	// ownDir: dir is the bucket's .verge~tmp, closed with the temp.
	ownDir bool
	done   bool
}

// newTemp creates a temporary file for an object of b: in DATA/s3/tmp, or
// in the bucket's .verge~tmp when the folder is on another file system.
func (s *Store) newTemp(b *bucket, root *os.Root) (*temp, error) {
	t := &temp{dir: s.tmp, name: tempName()}
	if b.localTmp {
		if err := root.Mkdir(tmpFolder, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, internal(err)
		}
		d, err := root.Open(tmpFolder)
		if err != nil {
			return nil, internal(err)
		}
		t.dir, t.ownDir = d, true
	}
	f, err := createIn(t.dir, t.name)
	if err != nil {
		t.closeDir()
		return nil, internal(err)
	}
	t.f = f
	return t, nil
}

func (t *temp) closeDir() {
	if t.ownDir {
		t.dir.Close()
	}
}

// discard closes the temporary file and removes it unless it was moved
// into place.
func (t *temp) discard() {
	t.f.Close()
	if !t.done {
		_ = removeIn(t.dir, t.name)
	}
	t.closeDir()
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, copyBufSize); return &b }}

// copyBuffered is io.CopyBuffer with a pooled 256 KiB buffer.
func copyBuffered(w io.Writer, r io.Reader) (int64, error) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	return io.CopyBuffer(w, r, *bp)
}

// receive streams body into f, through d: exactly size bytes when size is
// known (a shorter body is ErrIncompleteBody), else up to limit. It reads
// body to io.EOF, so a trailer after the data is read.
func receive(f *os.File, d *digester, body io.Reader, size, limit int64) error {
	if body == nil {
		body = eof{}
	}
	w := io.MultiWriter(f, d)
	if size >= 0 {
		n, err := copyBuffered(w, io.LimitReader(body, size))
		if err != nil {
			return bodyErr(err)
		}
		if n < size {
			return ErrIncompleteBody
		}
		extra, err := io.Copy(io.Discard, io.LimitReader(body, 1))
		if err != nil {
			return bodyErr(err)
		}
		if extra > 0 {
			return ErrInvalidRequest.With("The body is longer than its Content-Length.")
		}
		return nil
	}
	n, err := copyBuffered(w, io.LimitReader(body, limit+1))
	if err != nil {
		return bodyErr(err)
	}
	if n > limit {
		return ErrEntityTooLarge
	}
	return nil
}

// bodyErr keeps S3 errors a body reader returns (an aws-chunked decoder's)
// and calls any other failure to read an incomplete body.
func bodyErr(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrIncompleteBody
	}
	return internal(err)
}

// eof is an empty body.
type eof struct{}

func (eof) Read([]byte) (int, error) { return 0, io.EOF }
