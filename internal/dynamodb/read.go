package dynamodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/expr"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// Select's values.
const (
	selectAll       = "ALL_ATTRIBUTES"
	selectProjected = "ALL_PROJECTED_ATTRIBUTES"
	selectSpecific  = "SPECIFIC_ATTRIBUTES"
	selectCount     = "COUNT"
)

// readInput is what Query and Scan read of a request.
type readInput struct {
	TableName                 string                     `json:"TableName"`
	IndexName                 string                     `json:"IndexName"`
	Select                    string                     `json:"Select"`
	AttributesToGet           []string                   `json:"AttributesToGet"`
	Limit                     *int64                     `json:"Limit"`
	ConsistentRead            bool                       `json:"ConsistentRead"`
	ExclusiveStartKey         map[string]json.RawMessage `json:"ExclusiveStartKey"`
	ReturnConsumedCapacity    string                     `json:"ReturnConsumedCapacity"`
	ProjectionExpression      *string                    `json:"ProjectionExpression"`
	FilterExpression          *string                    `json:"FilterExpression"`
	ExpressionAttributeNames  map[string]string          `json:"ExpressionAttributeNames"`
	ExpressionAttributeValues map[string]json.RawMessage `json:"ExpressionAttributeValues"`
	ConditionalOperator       string                     `json:"ConditionalOperator"`

	// Query's.
	KeyConditionExpression *string                   `json:"KeyConditionExpression"`
	KeyConditions          map[string]expr.Condition `json:"KeyConditions"`
	QueryFilter            map[string]expr.Condition `json:"QueryFilter"`
	ScanIndexForward       *bool                     `json:"ScanIndexForward"`

	// Scan's.
	ScanFilter    map[string]expr.Condition `json:"ScanFilter"`
	Segment       *int64                    `json:"Segment"`
	TotalSegments *int64                    `json:"TotalSegments"`
}

// readOutput is Query's and Scan's response.
type readOutput struct {
	Items            *[]json.RawMessage `json:"Items,omitempty"`
	Count            int                `json:"Count"`
	ScannedCount     int                `json:"ScannedCount"`
	LastEvaluatedKey json.RawMessage    `json:"LastEvaluatedKey,omitempty"`
	ConsumedCapacity *ConsumedCapacity  `json:"ConsumedCapacity,omitempty"`
}

// A read is a Query or Scan request checked and parsed: what to read, and
// what to make of the items read.
type read struct {
	in     readInput
	table  store.Table
	index  *store.IndexConfig // nil: the table
	key    store.KeySchema    // the schema read: the table's or the index's
	filter *expr.Node
	paths  []expr.Path // nil: every attribute
	sel    string
	start  attr.Item
	// Query's partition key value and sort key term (nil: none).
	hash     attr.Value
	sortTerm *expr.KeyTerm
}

// named is a request parameter that is present or not.
type named struct {
	name    string
	present bool
}

// present lists the names of the parameters that are present.
func present(ps ...named) []string {
	var out []string
	for _, p := range ps {
		if p.present {
			out = append(out, p.name)
		}
	}
	return out
}

// checkExpressionParams refuses expression and legacy parameters in one
// request, and placeholders without expressions, with AWS's messages.
// valueExprs are the expressions that may use ExpressionAttributeValues.
func checkExpressionParams(in *readInput, exprs, legacy []named, valueExprs []string) error {
	used := present(exprs...)
	if len(used) > 0 {
		if old := present(legacy...); len(old) > 0 {
			return invalid("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {%s} Expression parameters: {%s}",
				strings.Join(old, ", "), strings.Join(used, ", "))
		}
	}
	if in.ExpressionAttributeNames != nil && len(used) == 0 {
		return invalid("ExpressionAttributeNames can only be specified when using expressions")
	}
	if in.ExpressionAttributeValues != nil {
		for _, e := range exprs {
			if e.present && slices.Contains(valueExprs, e.name) {
				return nil
			}
		}
		verb := "is"
		if len(valueExprs) > 1 {
			verb = "are"
		}
		return invalid("ExpressionAttributeValues can only be specified when using expressions: %s %s null", strings.Join(valueExprs, " and "), verb)
	}
	return nil
}

// readConstraints checks the members AWS's model constrains (Limit,
// Select, Segment, TotalSegments), reporting them as its "N validation
// errors detected" message does.
func readConstraints(in *readInput) error {
	var errs constraints
	if in.Select != "" && !slices.Contains([]string{selectSpecific, selectCount, selectAll, selectProjected}, in.Select) {
		errs = append(errs, fmt.Sprintf("Value '%s' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]", in.Select))
	}
	if in.Limit != nil && *in.Limit < 1 {
		errs = append(errs, fmt.Sprintf("Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.Limit))
	}
	if in.Segment != nil && *in.Segment < 0 {
		errs = append(errs, fmt.Sprintf("Value '%d' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0", *in.Segment))
	}
	if in.Segment != nil && *in.Segment > 999999 {
		errs = append(errs, fmt.Sprintf("Value '%d' at 'segment' failed to satisfy constraint: Member must have value less than or equal to 999999", *in.Segment))
	}
	if in.TotalSegments != nil && *in.TotalSegments < 1 {
		errs = append(errs, fmt.Sprintf("Value '%d' at 'totalSegments' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.TotalSegments))
	}
	if in.TotalSegments != nil && *in.TotalSegments > 1000000 {
		errs = append(errs, fmt.Sprintf("Value '%d' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000", *in.TotalSegments))
	}
	return errs.err()
}

// decodeStart decodes ExclusiveStartKey's values, naming a bad one as AWS
// does.
func decodeStart(raw map[string]json.RawMessage) (attr.Item, error) {
	if raw == nil {
		return nil, nil
	}
	out := make(attr.Item, len(raw))
	for name, b := range raw {
		var v attr.Value
		if err := json.Unmarshal(b, &v); err != nil {
			var ae *attr.Error
			if errors.As(err, &ae) {
				return nil, invalid("The provided starting key is invalid: %s", ae.Message)
			}
			return nil, &Error{Code: CodeSerialization, Message: serializationMessage(err)}
		}
		out[name] = v
	}
	return out, nil
}

// checkSelect checks Select against the projection asked for, and returns
// the Select in force: SPECIFIC_ATTRIBUTES with a projection, else
// ALL_PROJECTED_ATTRIBUTES for an index and ALL_ATTRIBUTES for a table.
func checkSelect(in *readInput) (string, error) {
	projected := ""
	switch {
	case in.AttributesToGet != nil:
		projected = "AttributesToGet"
	case in.ProjectionExpression != nil:
		projected = "ProjectionExpression"
	}
	switch in.Select {
	case "":
		switch {
		case projected != "":
			return selectSpecific, nil
		case in.IndexName != "":
			return selectProjected, nil
		}
		return selectAll, nil
	case selectAll, selectProjected:
		if projected != "" {
			return "", invalid("Cannot specify the %s when choosing to get %s", projected, in.Select)
		}
		if in.Select == selectProjected && in.IndexName == "" {
			return "", invalid("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
		}
	case selectCount:
		if projected != "" {
			return "", invalid("Cannot specify the %s when choosing to get only the Count", projected)
		}
	case selectSpecific:
		if projected == "" {
			return "", invalid("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")
		}
	}
	return in.Select, nil
}

// resolve finds the table and index read, and checks what depends on
// them: the index exists, consistent reads are of a table or local index,
// ALL_ATTRIBUTES of a global index projects ALL.
func (s *Service) resolve(r *read) error {
	t, err := s.table(r.in.TableName)
	if err != nil {
		return err
	}
	r.table, r.key = t, t.Key
	if r.in.IndexName == "" {
		return nil
	}
	i := slices.IndexFunc(t.Indexes, func(c store.IndexConfig) bool { return c.Name == r.in.IndexName })
	if i < 0 {
		return invalid("The table does not have the specified index: %s", r.in.IndexName)
	}
	ix := t.Indexes[i]
	r.index, r.key = &ix, ix.Key
	if ix.Local {
		r.key.Partition = t.Key.Partition
	}
	if !ix.Local && r.in.ConsistentRead {
		return invalid("Consistent reads are not supported on global secondary indexes")
	}
	if !ix.Local && r.sel == selectAll && ix.Projection != store.ProjectionAll {
		return invalid("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index %s because its projection type is not ALL", ix.Name)
	}
	return nil
}

// startNames are the attributes an ExclusiveStartKey holds: the key read
// and, for an index, the table's.
func (r *read) startNames() []store.Attr {
	names := keyAttrs(r.key)
	if r.index != nil {
		for _, a := range keyAttrs(r.table.Key) {
			if !slices.ContainsFunc(names, func(b store.Attr) bool { return b.Name == a.Name }) {
				names = append(names, a)
			}
		}
	}
	return names
}

// checkStart checks ExclusiveStartKey: exactly the attributes of
// startNames, of their types.
func (r *read) checkStart() error {
	if r.start == nil {
		return nil
	}
	names := r.startNames()
	bad := invalid("The provided starting key is invalid: The provided key element does not match the schema")
	if len(r.start) != len(names) {
		return bad
	}
	for _, a := range names {
		v, ok := r.start[a.Name]
		if !ok || v.Type != attrType(a.Type) {
			return bad
		}
		if err := attr.CheckKey(a.Name, v, attrType(a.Type), a == r.key.Partition || a == r.table.Key.Partition); err != nil {
			var ae *attr.Error
			if errors.As(err, &ae) {
				return invalid("The provided starting key is invalid: %s", ae.Message)
			}
			return err
		}
	}
	return nil
}

// walk adds the top-level attribute names a condition reads to names.
func walk(n *expr.Node, names map[string]bool) {
	if n == nil {
		return
	}
	if n.Kind == expr.KindPath && len(n.Path) > 0 {
		names[n.Path[0].Name] = true
	}
	for _, a := range n.Args {
		walk(a, names)
	}
}

// page makes a response of a store page: the filter applied, the
// projection (or, for a local index asked for attributes it does not
// project, the table's items), the count and the units read.
func (s *Service) page(ctx context.Context, r *read, p store.Page) (*readOutput, error) {
	out := &readOutput{ScannedCount: len(p.Items), LastEvaluatedKey: p.Last}
	fetch := r.index != nil && r.index.Local && r.index.Projection != store.ProjectionAll && (r.sel == selectAll || r.sel == selectSpecific)
	if r.filter == nil && r.paths == nil && !fetch {
		// The items as the store keeps them are the response's.
		out.Count = len(p.Items)
		if r.sel != selectCount {
			items := make([]json.RawMessage, len(p.Items))
			for i, it := range p.Items {
				items[i] = it
			}
			out.Items = &items
		}
		out.ConsumedCapacity = r.consumed(readUnits(p.Bytes, r.in.ConsistentRead))
		return out, nil
	}
	items := make([]json.RawMessage, 0, len(p.Items))
	bytes := p.Bytes
	for _, raw := range p.Items {
		it, err := attr.DecodeItem(raw)
		if err != nil {
			return nil, err
		}
		if fetch {
			if it, err = s.fetch(ctx, r.table, it); err != nil {
				return nil, err
			}
			if it == nil {
				continue // removed since
			}
			bytes += attr.Size(it)
		}
		if r.filter != nil && !r.filter.Eval(it) {
			continue
		}
		out.Count++
		if r.sel == selectCount {
			continue
		}
		if r.paths != nil {
			it = expr.Project(it, r.paths)
		}
		items = append(items, encode(it))
	}
	if r.sel != selectCount {
		out.Items = &items
	}
	out.ConsumedCapacity = r.consumed(readUnits(bytes, r.in.ConsistentRead))
	return out, nil
}

// fetch reads the table's item of an index item.
func (s *Service) fetch(ctx context.Context, t store.Table, it attr.Item) (attr.Item, error) {
	raw, _, err := s.st.Get(ctx, t.Name, encode(keyOf(t, it)))
	if err != nil || raw == nil {
		return nil, err
	}
	return attr.DecodeItem(raw)
}

// consumed is the read's ConsumedCapacity: on the table, or with INDEXES
// on the index read.
func (r *read) consumed(units float64) *ConsumedCapacity {
	var u usage
	if r.index == nil {
		u.read = units
	} else {
		u.onIndex(r.index.Name, r.index.Local, units, 0)
	}
	return u.capacity(r.in.ReturnConsumedCapacity, r.table.Name)
}

// limit is the request's Limit for the store (0: none).
func (r *read) limit() int {
	if r.in.Limit == nil {
		return 0
	}
	return int(min(*r.in.Limit, 1<<30))
}

// startJSON is ExclusiveStartKey in wire form for the store (nil: none).
func (r *read) startJSON() []byte {
	if r.start == nil {
		return nil
	}
	return encode(r.start)
}
