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
