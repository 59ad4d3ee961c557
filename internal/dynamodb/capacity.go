package dynamodb

import "github.com/verge-edge/verge/internal/dynamodb/store"

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
	return (&usage{read: read, write: write}).capacity(mode, table)
}

// A usage is the units a request used of one table: the table's own, and
// each secondary index's by name.
type usage struct {
	read, write float64
	gsi, lsi    map[string]*Capacity
}

// onIndex adds read and write units used on the secondary index name.
func (u *usage) onIndex(name string, local bool, read, write float64) {
	m := &u.gsi
	if local {
		m = &u.lsi
	}
	if *m == nil {
		*m = map[string]*Capacity{}
	}
	c := (*m)[name]
	if c == nil {
		c = &Capacity{}
		(*m)[name] = c
	}
	c.ReadCapacityUnits += read
	c.WriteCapacityUnits += write
	c.CapacityUnits += read + write
}

// capacity is the ConsumedCapacity of u on table, shaped as mode asks:
// nil for NONE or "", the totals of the table and its indexes for TOTAL,
// and with INDEXES each of them too.
func (u *usage) capacity(mode, table string) *ConsumedCapacity {
	if !wantsCapacity(mode) {
		return nil
	}
	read, write := u.read, u.write
	for _, m := range []map[string]*Capacity{u.gsi, u.lsi} {
		for _, c := range m {
			read += c.ReadCapacityUnits
			write += c.WriteCapacityUnits
		}
	}
	c := &ConsumedCapacity{TableName: table, CapacityUnits: read + write, ReadCapacityUnits: read, WriteCapacityUnits: write}
	if mode == CapacityIndexes {
		c.Table = &Capacity{CapacityUnits: u.read + u.write, ReadCapacityUnits: u.read, WriteCapacityUnits: u.write}
		c.GlobalSecondaryIndexes, c.LocalSecondaryIndexes = u.gsi, u.lsi
	}
	return c
}

// wrote adds to u the write res of table, of units table write units,
// and the index entries it put or deleted, each index entry a write unit
// per KB as an item is; all counted times times (twice in a
// transaction).
func (s *Service) wrote(u *usage, table string, res store.Result, units, times float64) {
	u.write += times * units
	ws, err := s.st.IndexWrites(table, res)
	if err != nil {
		return // the table was deleted since: its indexes are gone
	}
	for _, w := range ws {
		n := 0.0
		for _, size := range w.Sizes {
			n += writeUnits(size)
		}
		u.onIndex(w.Index, w.Local, 0, times*n)
	}
}

// writeCapacity is the ConsumedCapacity, as mode asks, of the write res
// of table, of units table write units.
func (s *Service) writeCapacity(mode, table string, res store.Result, units float64) *ConsumedCapacity {
	if !wantsCapacity(mode) {
		return nil
	}
	var u usage
	s.wrote(&u, table, res, units, 1)
	return u.capacity(mode, table)
}

// A capacityTally sums the units a multi-item request uses, by table in
// the order first used.
type capacityTally struct {
	mode   string
	order  []string
	tables map[string]*usage
}

func newCapacityTally(mode string) *capacityTally {
	return &capacityTally{mode: mode, tables: map[string]*usage{}}
}

// of is the usage of table.
func (c *capacityTally) of(table string) *usage {
	u, ok := c.tables[table]
	if !ok {
		u = &usage{}
		c.tables[table] = u
		c.order = append(c.order, table)
	}
	return u
}

func (c *capacityTally) add(table string, read, write float64) {
	u := c.of(table)
	u.read += read
	u.write += write
}

// list is the ConsumedCapacity list; nil unless asked for.
func (c *capacityTally) list() []*ConsumedCapacity {
	var out []*ConsumedCapacity
	for _, t := range c.order {
		if cc := c.tables[t].capacity(c.mode, t); cc != nil {
			out = append(out, cc)
		}
	}
	return out
}
