package dynamodb

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// Billing modes.
const (
	billingProvisioned = "PROVISIONED"
	billingOnDemand    = "PAY_PER_REQUEST"
)

// tableMeta is what the API keeps of a table that the store does not
// read (store.TableConfig.Meta). Attribute definitions are not kept: they
// are the key schemas' attributes, which the store has.
type tableMeta struct {
	// BillingMode is billingOnDemand or billingProvisioned ("" reads as
	// on-demand: a table declared by a stack).
	BillingMode string `json:"billingMode,omitempty"`
	// Throughput is the table's provisioned throughput.
	Throughput throughput `json:"throughput,omitzero"`
	// IndexThroughput is each global index's provisioned throughput.
	IndexThroughput map[string]throughput `json:"indexThroughput,omitempty"`
	// BillingChanged is when the billing mode last changed (epoch ms; 0
	// never).
	BillingChanged int64 `json:"billingChanged,omitempty"`
	// Tags are in the order they were first set.
	Tags               []tag    `json:"tags,omitempty"`
	TableClass         string   `json:"tableClass,omitempty"`
	DeletionProtection bool     `json:"deletionProtection,omitempty"`
	SSE                *sseSpec `json:"sse,omitempty"`
	// StreamView is the view of the table's latest stream, kept when the
	// stream is disabled (DescribeStream still describes it).
	StreamView string `json:"streamView,omitempty"`
	// Stack marks a table a stack made (Declare): an apply without it
	// deletes it, where a table made through the API is never deleted by
	// an apply.
	Stack bool `json:"stack,omitempty"`
}

// throughput is a ProvisionedThroughput.
type throughput struct {
	ReadCapacityUnits  int64 `json:"ReadCapacityUnits"`
	WriteCapacityUnits int64 `json:"WriteCapacityUnits"`
}

// A tag is a table's tag.
type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// sseSpec is an SSESpecification.
type sseSpec struct {
	Enabled        *bool  `json:"Enabled,omitempty"`
	SSEType        string `json:"SSEType,omitempty"`
	KMSMasterKeyID string `json:"KMSMasterKeyId,omitempty"`
}

// metaOf reads a table's Meta; a table without one (or with one this
// version cannot read) has the defaults.
func metaOf(t store.Table) tableMeta {
	var m tableMeta
	if len(t.Meta) > 0 {
		json.Unmarshal(t.Meta, &m)
	}
	if m.BillingMode == "" {
		m.BillingMode = billingOnDemand
	}
	if m.StreamView == "" {
		m.StreamView = t.StreamView
	}
	return m
}

// encode is m as the store keeps it.
func (m tableMeta) encode() json.RawMessage {
	b, _ := json.Marshal(m)
	return b
}

// withTags is m with tags set: existing keys take the new value, new
// keys are appended.
func (m tableMeta) withTags(tags []tag) tableMeta {
	out := slices.Clone(m.Tags)
	for _, t := range tags {
		i := slices.IndexFunc(out, func(o tag) bool { return o.Key == t.Key })
		if i >= 0 {
			out[i].Value = t.Value
		} else {
			out = append(out, t)
		}
	}
	m.Tags = out
	return m
}

// withoutTags is m without the tags of keys.
func (m tableMeta) withoutTags(keys []string) tableMeta {
	m.Tags = slices.DeleteFunc(slices.Clone(m.Tags), func(t tag) bool { return slices.Contains(keys, t.Key) })
	return m
}

// tagsOf is a map of tags as a list, sorted by key (a stack's tags have
// no order of their own).
func tagsOf(tags map[string]string) []tag {
	out := make([]tag, 0, len(tags))
	for k, v := range tags {
		out = append(out, tag{Key: k, Value: v})
	}
	slices.SortFunc(out, func(a, b tag) int { return strings.Compare(a.Key, b.Key) })
	return out
}
