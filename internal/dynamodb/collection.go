package dynamodb

import (
	"math"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// ItemCollectionMetrics is the size of the item collection a write
// touched, which DynamoDB reports for tables with local secondary indexes
// when ReturnItemCollectionMetrics is SIZE.
type ItemCollectionMetrics struct {
	// ItemCollectionKey is the collection's partition key.
	ItemCollectionKey attr.Item
	// SizeEstimateRangeGB brackets the collection's size in whole
	// gigabytes: a collection under 1 GB is [0, 1], as AWS answers.
	SizeEstimateRangeGB [2]float64
}

// collectionMetrics returns the metrics of the collection of item (an
// item or a key) of t when want is SIZE and t has local indexes, nil
// otherwise. The write has happened: the size includes it.
func (s *Service) collectionMetrics(want string, t store.Table, item attr.Item) *ItemCollectionMetrics {
	if want != "SIZE" {
		return nil
	}
	name := t.Key.Partition.Name
	pk, ok := item[name]
	if !ok {
		return nil
	}
	size, ok, err := s.st.CollectionSize(t.Name, pk.AppendJSON(nil))
	if err != nil || !ok {
		return nil // the table went away or has no local index
	}
	gb := math.Floor(float64(size) / (1 << 30))
	return &ItemCollectionMetrics{ItemCollectionKey: attr.Item{name: pk}, SizeEstimateRangeGB: [2]float64{gb, gb + 1}}
}

// A written is an item a write of several items (BatchWriteItem,
// TransactWriteItems) put, updated or deleted: its table's name and the
// item or its key.
type written struct {
	table string
	item  attr.Item
}

// collectionsMetrics is the ItemCollectionMetrics of a write of several
// items, by table: collectionMetrics of each item collection written,
// once, in the order of the writes, for the tables with local indexes.
// It is nil unless want is SIZE or when no table has a local index.
func (s *Service) collectionsMetrics(want string, writes []written) map[string][]*ItemCollectionMetrics {
	if want != "SIZE" {
		return nil
	}
	var out map[string][]*ItemCollectionMetrics
	tables := map[string]store.Table{}
	seen := map[string]bool{}
	for _, w := range writes {
		t, ok := tables[w.table]
		if !ok {
			var err error
			if t, err = s.table(w.table); err != nil {
				continue // the table went away
			}
			tables[w.table] = t
		}
		pk, ok := w.item[t.Key.Partition.Name]
		if !ok {
			continue
		}
		id := t.Name + "\x00" + string(pk.AppendJSON(nil))
		if seen[id] {
			continue
		}
		seen[id] = true
		if m := s.collectionMetrics(want, t, w.item); m != nil {
			if out == nil {
				out = map[string][]*ItemCollectionMetrics{}
			}
			out[t.Name] = append(out[t.Name], m)
		}
	}
	return out
}
