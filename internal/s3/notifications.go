package s3

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	s3event "github.com/verge-edge/verge/internal/triggers/s3"
)

// Notifications is the notification configuration set through the API
// (PutBucketNotificationConfiguration); the stack's are the engine's. A
// bucket without one has the zero Config.
func (s *Store) Notifications(bucket string) (s3event.Config, error) {
	if _, err := s.bucket(bucket); err != nil {
		return s3event.Config{}, err
	}
	s.notesMu.Lock()
	defer s.notesMu.Unlock()
	if c, ok := s.notes[bucket]; ok {
		return c, nil
	}
	var c s3event.Config
	b, err := os.ReadFile(s.notifyPath(bucket))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return c, internal(err)
	default:
		if err := json.Unmarshal(b, &c); err != nil {
			return s3event.Config{}, internal(err)
		}
	}
	if s.notes == nil {
		s.notes = map[string]s3event.Config{}
	}
	s.notes[bucket] = c
	return c, nil
}

// SetNotifications stores a bucket's notification configuration; the wire
// layer has validated it. Options.Configured sees it first and may refuse
// it (a target that cannot be reached).
func (s *Store) SetNotifications(bucket string, c s3event.Config) error {
	if _, err := s.bucket(bucket); err != nil {
		return err
	}
	if s.opts.Configured != nil {
		if err := s.opts.Configured(context.Background(), bucket, c); err != nil {
			return ErrInvalidArgument.With(err.Error())
		}
	}
	s.notesMu.Lock()
	defer s.notesMu.Unlock()
	delete(s.notes, bucket)
	b, err := json.Marshal(c)
	if err != nil {
		return internal(err)
	}
	p := s.notifyPath(bucket)
	if err := s.writeFileAtomic(p, b); err != nil {
		return internal(err)
	}
	return internal(syncDir(filepath.Dir(p)))
}

func (s *Store) notifyPath(bucket string) string {
	return filepath.Join(s.dir, notifyFolder, bucket+".json")
}
