package dynamodb

// ReturnConsumedCapacity's values.
const (
	CapacityNone    = "NONE"
	CapacityTotal   = "TOTAL"
	CapacityIndexes = "INDEXES"
)

// ConsumedCapacity is what an operation used of a table, as
// ReturnConsumedCapacity asks for it.
type ConsumedCapacity struct {
	TableName              string               `json:"TableName"`
	CapacityUnits          float64              `json:"CapacityUnits"`
	ReadCapacityUnits      float64              `json:"ReadCapacityUnits,omitempty"`
	WriteCapacityUnits     float64              `json:"WriteCapacityUnits,omitempty"`
	Table                  *Capacity            `json:"Table,omitempty"`
	GlobalSecondaryIndexes map[string]*Capacity `json:"GlobalSecondaryIndexes,omitempty"`
	LocalSecondaryIndexes  map[string]*Capacity `json:"LocalSecondaryIndexes,omitempty"`
}

// Capacity is the units used of a table or index.
type Capacity struct {
	CapacityUnits      float64 `json:"CapacityUnits"`
	ReadCapacityUnits  float64 `json:"ReadCapacityUnits,omitempty"`
	WriteCapacityUnits float64 `json:"WriteCapacityUnits,omitempty"`
}

// Units DynamoDB counts: a write unit per KB written, a read unit per
// 4 KB read strongly consistent (half for eventually consistent reads),
// each at least one; transactions count double.
const (
	writeUnitBytes = 1024
	readUnitBytes  = 4096
)

// writeUnits is the write capacity units of writing an item of size
// bytes.
func writeUnits(size int) float64 { return float64(max(1, (size+writeUnitBytes-1)/writeUnitBytes)) }

// readUnits is the read capacity units of reading size bytes.
func readUnits(size int, consistent bool) float64 {
	u := float64(max(1, (size+readUnitBytes-1)/readUnitBytes))
	if !consistent {
		u /= 2
	}
	return u
}

// wantsCapacity reports whether ReturnConsumedCapacity asks for the
// units, so that sizing an item is skipped when it does not.
func wantsCapacity(mode string) bool { return mode == CapacityTotal || mode == CapacityIndexes }

// consumed is the ConsumedCapacity of read and write units used on table,
// shaped as mode (ReturnConsumedCapacity) asks: nil for NONE or "".
func consumed(mode, table string, read, write float64) *ConsumedCapacity {
	if !wantsCapacity(mode) {
		return nil
	}
	c := &ConsumedCapacity{TableName: table, CapacityUnits: read + write, ReadCapacityUnits: read, WriteCapacityUnits: write}
	if mode == CapacityIndexes {
		c.Table = &Capacity{CapacityUnits: read + write, ReadCapacityUnits: read, WriteCapacityUnits: write}
	}
	return c
}
