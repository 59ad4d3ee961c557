package s3

import (
	"context"
	"maps"
	"unicode/utf8"
)

// checkTags applies S3's limits: at most 10 tags, keys of 1..128 and
// values of at most 256 Unicode characters.
func checkTags(tags map[string]string) error {
	if len(tags) > maxTags {
		return ErrInvalidTag.With("Object tags cannot be greater than 10")
	}
	for k, v := range tags {
		switch {
		case k == "" || !utf8.ValidString(k) || utf8.RuneCountInString(k) > maxTagKey:
			return ErrInvalidTag.Withf("The TagKey you have provided is invalid: %q", k)
		case !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxTagValue:
			return ErrInvalidTag.Withf("The TagValue you have provided is invalid: %q", v)
		}
	}
	return nil
}

// Tags are an object's tags (empty, not nil, when it has none).
func (s *Store) Tags(ctx context.Context, bucket, key string) (map[string]string, error) {
	o, err := s.object(bucket, key)
	if err != nil {
		return nil, err
	}
	defer o.File.Close()
	fi, err := o.File.Stat()
	if err != nil {
		return nil, internal(err)
	}
	tags := map[string]string{}
	if r := s.current(bucket, key, identityOf(fi)); r != nil {
		maps.Copy(tags, r.Tags)
	}
	return tags, nil
}

// SetTags replaces an object's tags (nil deletes them). The file is not
// touched: only its sidecar changes (ObjectTagging:Put or :Delete).
func (s *Store) SetTags(ctx context.Context, bucket, key string, tags map[string]string) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	b, err := s.bucket(bucket)
	if err != nil {
		return err
	}
	rel, _, err := keyPath(key)
	if err != nil {
		return err
	}
	root, err := b.root()
	if err != nil {
		return err
	}
	defer root.Close()
	unlock := s.lock(bucket, key)
	defer unlock()
	f, fi, err := openFile(root, key, rel)
	if err != nil {
		return err
	}
	defer f.Close()
	id := identityOf(fi)
	rec := s.current(bucket, key, id)
	if rec == nil {
		etag, err := s.etag(bucket, key, f, id)
		if err != nil {
			return internal(err)
		}
		rec = &record{Key: key, File: id, ETag: etag}
	}
	next := *rec
	next.Tags = nil
	if len(tags) > 0 {
		next.Tags = maps.Clone(tags)
	}
	dir, err := s.writeSidecar(bucket, &next)
	if err != nil {
		return internal(err)
	}
	if err := syncDir(dir); err != nil {
		return internal(err)
	}
	event := EventTagPut
	if len(tags) == 0 {
		event = EventTagDelete
	}
	return s.announce(ctx, event, bucket, key, id.Size, rec.ETag)
}
