package dynamodb

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// Declare makes a table as a stack declares it: created when absent,
// else brought to c (stream view, TTL attribute, global indexes added or
// removed, tags) with its items kept. A table that already is as declared
// is not written to, so applying a stack again changes nothing. A stack's
// tables are on-demand; their key schema and local indexes cannot change
// (AWS replaces such a table: Declare refuses instead of dropping items).
func (s *Service) Declare(ctx context.Context, c store.TableConfig, tags map[string]string) error {
	t, err := s.st.Describe(c.Name)
	if err != nil {
		if e, ok := wire(err).(*Error); !ok || e.Code != CodeResourceNotFound {
			return err
		}
		m := tableMeta{BillingMode: billingOnDemand, StreamView: c.StreamView, Tags: tagsOf(tags), Stack: true}
		c.Meta = m.encode()
		_, err = s.st.CreateTable(ctx, c)
		return err
	}
	if t.Key != c.Key {
		return fmt.Errorf("dynamodb: table %s: the key schema cannot change (it is %s, declared %s)", c.Name, schemaString(t.Key), schemaString(c.Key))
	}
	if !slices.EqualFunc(locals(t.Indexes), locals(c.Indexes), sameIndex) {
		return fmt.Errorf("dynamodb: table %s: local secondary indexes cannot change", c.Name)
	}
	return s.reconcile(ctx, t, c, tags)
}

// reconcile brings table t to c: one store update for the stream, TTL and
// Meta, then one per global index removed, changed or added.
func (s *Service) reconcile(ctx context.Context, t store.Table, c store.TableConfig, tags map[string]string) error {
	var u store.TableUpdate
	if t.StreamView != c.StreamView {
		u.StreamView = &c.StreamView
	}
	if t.TTLAttribute != c.TTLAttribute {
		u.TTLAttribute = &c.TTLAttribute
	}
	m := metaOf(t)
	want := m
	want.Tags = tagsOf(tags)
	if c.StreamView != "" {
		want.StreamView = c.StreamView
	}
	if !slices.Equal(m.Tags, want.Tags) || m.StreamView != want.StreamView {
		u.Meta = want.encode()
	}
	if u.StreamView != nil || u.TTLAttribute != nil || u.Meta != nil {
		if _, err := s.st.UpdateTable(ctx, c.Name, u); err != nil {
			return err
		}
	}
	have, declared := globals(t.Indexes), globals(c.Indexes)
	for _, ix := range have {
		if d, ok := byName(declared, ix.Name); ok && sameIndex(ix, d) {
			continue
		}
		if _, err := s.st.UpdateTable(ctx, c.Name, store.TableUpdate{DeleteIndex: ix.Name}); err != nil {
			return err
		}
	}
	for _, ix := range declared {
		if h, ok := byName(have, ix.Name); ok && sameIndex(h, ix) {
			continue
		}
		if _, err := s.st.UpdateTable(ctx, c.Name, store.TableUpdate{AddIndex: &ix}); err != nil {
			return err
		}
	}
	return nil
}

// DeleteUndeclared deletes the tables a stack made (Declare) that its
// plan no longer declares (declared names those it does), items and
// stream with them, and returns their names. Tables made through the API
// are kept, and so is a table protected against deletion since: it is
// refused, as DeleteTable refuses it.
func (s *Service) DeleteUndeclared(ctx context.Context, declared []string) ([]string, error) {
	var deleted []string
	var errs []error
	for _, name := range s.st.Tables() {
		t, err := s.st.Describe(name)
		if err != nil || slices.Contains(declared, name) {
			continue // deleted meanwhile, or still the stack's
		}
		m := metaOf(t)
		switch {
		case !m.Stack:
			continue
		case m.DeletionProtection:
			errs = append(errs, fmt.Errorf("dynamodb: table %s is no longer declared but is protected against deletion", name))
			continue
		}
		if _, err := s.st.DeleteTable(ctx, name); err != nil {
			errs = append(errs, err)
			continue
		}
		deleted = append(deleted, name)
	}
	return deleted, errors.Join(errs...)
}

// locals and globals are the local and the global indexes of ixs.
func locals(ixs []store.IndexConfig) []store.IndexConfig {
	return slices.DeleteFunc(slices.Clone(ixs), func(ix store.IndexConfig) bool { return !ix.Local })
}

func globals(ixs []store.IndexConfig) []store.IndexConfig {
	return slices.DeleteFunc(slices.Clone(ixs), func(ix store.IndexConfig) bool { return ix.Local })
}

// byName is the index of ixs named name.
func byName(ixs []store.IndexConfig, name string) (store.IndexConfig, bool) {
	i := slices.IndexFunc(ixs, func(ix store.IndexConfig) bool { return ix.Name == name })
	if i < 0 {
		return store.IndexConfig{}, false
	}
	return ixs[i], true
}

// sameIndex reports whether two indexes are one definition (the order of
// projected attributes aside).
func sameIndex(a, b store.IndexConfig) bool {
	na, nb := slices.Clone(a.NonKey), slices.Clone(b.NonKey)
	slices.Sort(na)
	slices.Sort(nb)
	return a.Name == b.Name && a.Key == b.Key && a.Local == b.Local && a.Projection == b.Projection && slices.Equal(na, nb)
}

// schemaString is a key schema as an error names it.
func schemaString(k store.KeySchema) string {
	s := k.Partition.Name + " " + k.Partition.Type
	if k.Sort.Name != "" {
		s += ", " + k.Sort.Name + " " + k.Sort.Type
	}
	return s
}
