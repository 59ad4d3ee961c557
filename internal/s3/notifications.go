package s3

import (
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
	var c s3event.Config
	b, err := os.ReadFile(s.notifyPath(bucket))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return c, nil
	case err != nil:
		return c, internal(err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return s3event.Config{}, internal(err)
	}
	return c, nil
}

// SetNotifications stores a bucket's notification configuration; the wire
// layer has validated it.
func (s *Store) SetNotifications(bucket string, c s3event.Config) error {
	if _, err := s.bucket(bucket); err != nil {
		return err
	}
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
