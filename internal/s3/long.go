package s3

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
)

// The long-names index: meta/BUCKET/long.txt, one line per hashed segment,
// "NAME BASE64(SEGMENT)". Lines are only appended; a torn last line is
// ignored.

// lookup resolves bucket's hashed names.
func (s *Store) lookup(bucket string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		s.longMu.Lock()
		defer s.longMu.Unlock()
		m := s.longNames(bucket)
		seg, ok := m[name]
		return seg, ok
	}
}

// longNames is bucket's index, read on first use. Called with longMu held.
func (s *Store) longNames(bucket string) map[string]string {
	if m, ok := s.long[bucket]; ok {
		return m
	}
	b, _ := os.ReadFile(filepath.Join(s.dir, metaFolder, bucket, longFile))
	m := parseLong(b)
	s.long[bucket] = m
	return m
}

// parseLong reads an index, skipping lines that are not entries.
func parseLong(b []byte) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 4096)
	for sc.Scan() {
		name, enc, ok := bytes.Cut(sc.Bytes(), []byte{' '})
		if !ok || !isHashName(string(name)) {
			continue
		}
		seg, err := base64.StdEncoding.DecodeString(string(enc))
		if err != nil || hashName(string(seg)) != string(name) {
			continue
		}
		m[string(name)] = string(seg)
	}
	return m
}

// addLong records hashed names durably before a file takes them.
func (s *Store) addLong(bucket string, names map[string]string) error {
	s.longMu.Lock()
	defer s.longMu.Unlock()
	m := s.longNames(bucket)
	var add []byte
	for name, seg := range names {
		if _, ok := m[name]; !ok {
			add = append(add, name+" "+base64.StdEncoding.EncodeToString([]byte(seg))+"\n"...)
		}
	}
	if add == nil {
		return nil
	}
	p := filepath.Join(s.dir, metaFolder, bucket, longFile)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	// A torn line from a crash is completed by a newline first.
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		add = append([]byte{'\n'}, add...)
	}
	_, err = f.Write(add)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	for name, seg := range names {
		m[name] = seg
	}
	return syncDir(filepath.Dir(p))
}
