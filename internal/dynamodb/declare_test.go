package dynamodb_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/dynamodb"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// declareEnv is a service on a real broker, with the bucket that keeps
// table definitions, whose revisions count the writes.
type declareEnv struct {
	st  *store.Store
	svc *dynamodb.Service
	kv  jetstream.KeyValue
}

func newDeclareEnv(t *testing.T) *declareEnv {
	t.Helper()
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	st, err := store.Open(ctx, store.Options{JetStream: b.JetStream(), Size: dynamodb.ItemSize, TTLInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kv, err := b.JetStream().KeyValue(ctx, "DYNAMODB_TABLES")
	if err != nil {
		t.Fatal(err)
	}
	return &declareEnv{st: st, svc: dynamodb.New(dynamodb.Options{Store: st}), kv: kv}
}

// revision is the revision of table name's definition.
func (e *declareEnv) revision(t *testing.T, name string) uint64 {
	t.Helper()
	en, err := e.kv.Get(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return en.Revision()
}

// TestDeclare: Declare creates a stack's table, reconciles it to each new
// declaration keeping its items, and writes nothing when it is as
// declared.
func TestDeclare(t *testing.T) {
	e := newDeclareEnv(t)
	ctx := context.Background()
	key := store.KeySchema{Partition: store.Attr{Name: "pk", Type: store.TypeS}}
	byG := store.IndexConfig{Name: "byG", Key: store.KeySchema{Partition: store.Attr{Name: "g", Type: store.TypeS}}, Projection: store.ProjectionAll}
	byH := store.IndexConfig{Name: "byH", Key: store.KeySchema{Partition: store.Attr{Name: "h", Type: store.TypeN}}, Projection: store.ProjectionKeysOnly}
	base := store.TableConfig{Name: "stacked", Key: key, StreamLabel: arn.TableStreamLabel("stacked")}
	steps := []struct {
		name   string
		edit   func(c *store.TableConfig)
		tags   map[string]string
		writes bool
	}{
		{"create", func(c *store.TableConfig) {}, map[string]string{"stack": "s"}, true},
		{"same", func(c *store.TableConfig) {}, map[string]string{"stack": "s"}, false},
		{"stream on", func(c *store.TableConfig) { c.StreamView = store.ViewNewImage }, map[string]string{"stack": "s"}, true},
		{"stream changed, ttl, index", func(c *store.TableConfig) {
			c.StreamView, c.TTLAttribute, c.Indexes = store.ViewKeysOnly, "exp", []store.IndexConfig{byG}
		}, map[string]string{"stack": "s"}, true},
		{"same again", func(c *store.TableConfig) {
			c.StreamView, c.TTLAttribute, c.Indexes = store.ViewKeysOnly, "exp", []store.IndexConfig{byG}
		}, map[string]string{"stack": "s"}, false},
		{"index swapped, tags", func(c *store.TableConfig) {
			c.StreamView, c.TTLAttribute, c.Indexes = store.ViewKeysOnly, "exp", []store.IndexConfig{byH}
		}, map[string]string{"stack": "s", "env": "prod"}, true},
		{"all off", func(c *store.TableConfig) {}, nil, true},
	}
	var rev uint64
	for i, s := range steps {
		c := base
		s.edit(&c)
		if err := e.svc.Declare(ctx, c, s.tags); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if i == 0 {
			if _, err := e.st.Put(ctx, "stacked", []byte(`{"pk":{"S":"a"},"g":{"S":"x"},"h":{"N":"1"}}`), nil); err != nil {
				t.Fatal(err)
			}
		}
		now := e.revision(t, "stacked")
		if wrote := now != rev; wrote != s.writes {
			t.Errorf("%s: wrote %v, want %v", s.name, wrote, s.writes)
		}
		rev = now
		got, err := e.st.Describe("stacked")
		if err != nil {
			t.Fatal(err)
		}
		if got.Items != 1 || got.StreamView != c.StreamView || got.TTLAttribute != c.TTLAttribute || len(got.Indexes) != len(c.Indexes) {
			t.Errorf("%s: items %d stream %q ttl %q indexes %+v", s.name, got.Items, got.StreamView, got.TTLAttribute, got.Indexes)
		}
		for _, ix := range c.Indexes {
			if !slices.ContainsFunc(got.Indexes, func(g store.IndexConfig) bool { return g.Name == ix.Name }) || got.IndexItems[ix.Name] != 1 {
				t.Errorf("%s: index %s missing or unfilled: %+v %v", s.name, ix.Name, got.Indexes, got.IndexItems)
			}
		}
		out, err := e.svc.Do(ctx, "ListTagsOfResource", false, []byte(`{"ResourceArn":"`+arn.Table("stacked")+`"}`))
		var tags struct{ Tags []struct{ Key, Value string } }
		if err != nil || json.Unmarshal(out, &tags) != nil || len(tags.Tags) != len(s.tags) {
			t.Errorf("%s: tags %s %v", s.name, out, err)
		}
		for _, tg := range tags.Tags {
			if s.tags[tg.Key] != tg.Value {
				t.Errorf("%s: tag %s=%s", s.name, tg.Key, tg.Value)
			}
		}
		if c.StreamView != "" && got.StreamLabel != arn.TableStreamLabel("stacked") {
			t.Errorf("%s: stream label %s", s.name, got.StreamLabel)
		}
	}
	changed := base
	changed.Key.Sort = store.Attr{Name: "sk", Type: store.TypeN}
	if err := e.svc.Declare(ctx, changed, nil); err == nil {
		t.Error("a changed key schema was accepted")
	}
}
