package logs

import (
	"errors"
	"maps"

	"github.com/verge-edge/verge/internal/errs"
)

// MaxTags is how many tags a log group may carry, as in CloudWatch Logs.
const MaxTags = 50

// ErrTooManyTags is wrapped by the error (of kind Invalid) of a Tag that
// would leave a group with more than MaxTags tags.
var ErrTooManyTags = errors.New("a resource can have no more than 50 tags")

// Tags returns a copy of group's tags (kept in group.json); an unknown
// group is an error of kind NotFound.
func (s *Store) Tags(group string) (map[string]string, error) {
	g, err := s.lookup("logs.Tags", group)
	if err != nil {
		return nil, err
	}
	g.flushMu.Lock()
	defer g.flushMu.Unlock()
	return maps.Clone(g.tags), nil
}

// Tag adds tags to group, replacing the values of keys it has, and
// records them in group.json.
func (s *Store) Tag(group string, tags map[string]string) error {
	const op errs.Op = "logs.Tag"
	return s.retag(op, group, func(t map[string]string) error {
		n := len(t)
		for k := range tags {
			if _, ok := t[k]; !ok {
				n++
			}
		}
		if n > MaxTags {
			return errs.E(op, errs.Invalid, group, ErrTooManyTags)
		}
		maps.Copy(t, tags)
		return nil
	})
}

// Untag removes keys from group's tags; keys it lacks are ignored, as
// CloudWatch Logs ignores them.
func (s *Store) Untag(group string, keys []string) error {
	return s.retag("logs.Untag", group, func(t map[string]string) error {
		for _, k := range keys {
			delete(t, k)
		}
		return nil
	})
}

// retag applies change to a copy of group's tags and keeps the result
// once group.json holds it.
func (s *Store) retag(op errs.Op, group string, change func(map[string]string) error) error {
	g, err := s.lookup(op, group)
	if err != nil {
		return err
	}
	g.flushMu.Lock()
	defer g.flushMu.Unlock()
	old := g.tags
	t := maps.Clone(old)
	if t == nil {
		t = map[string]string{}
	}
	if err := change(t); err != nil {
		return err
	}
	g.tags = t
	if err := g.writeMeta(g.metaRet); err != nil {
		g.tags = old
		return errs.E(op, errs.IO, group, err)
	}
	return nil
}
