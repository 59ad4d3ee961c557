package dynamodb

import (
	"context"

	"github.com/verge-edge/verge/internal/dynamodb/expr"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// query serves Query: one partition of a table or index, in sort key
// order, a page at a time (Limit items read, or 1 MB), filtered and
// projected after the read, as DynamoDB counts them.
func (s *Service) query(ctx context.Context, body []byte) (any, error) {
	r := &read{}
	if err := decode(body, &r.in); err != nil {
		return nil, err
	}
	in := &r.in
	if err := readConstraints(in); err != nil {
		return nil, err
	}
	err := checkExpressionParams(in,
		[]named{{"ProjectionExpression", in.ProjectionExpression != nil}, {"FilterExpression", in.FilterExpression != nil}, {"KeyConditionExpression", in.KeyConditionExpression != nil}},
		[]named{{"AttributesToGet", in.AttributesToGet != nil}, {"QueryFilter", in.QueryFilter != nil}, {"ConditionalOperator", in.ConditionalOperator != ""},
			// KeyConditions goes with the other expressions, as on AWS.
			{"KeyConditions", in.KeyConditions != nil && in.KeyConditionExpression != nil}},
		[]string{"FilterExpression", "KeyConditionExpression"})
	if err != nil {
		return nil, err
	}
	if r.start, err = decodeStart(in.ExclusiveStartKey); err != nil {
		return nil, err
	}
	if in.KeyConditions == nil && in.KeyConditionExpression == nil {
		return nil, invalid("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
	}
	kc, err := r.parse(func(p *expr.Params) (*expr.KeyCondition, error) {
		if in.KeyConditionExpression != nil {
			return p.ParseKeyCondition(*in.KeyConditionExpression)
		}
		return expr.KeyConditions(in.KeyConditions)
	}, in.QueryFilter)
	if err != nil {
		return nil, err
	}
	if err := s.resolve(r); err != nil {
		return nil, err
	}
	q, err := r.keyQuery(kc)
	if err != nil {
		return nil, err
	}
	if err := r.checkQueryStart(); err != nil {
		return nil, err
	}
	if err := r.checkFilterKeys(); err != nil {
		return nil, err
	}
	p, err := s.st.Query(q)
	if err != nil {
		return nil, err
	}
	return s.page(ctx, r, p)
}

// parse parses the request's expressions, or translates its legacy
// parameters (filter is QueryFilter or ScanFilter), and checks Select and
// that every placeholder was used. keyCond, for Query, parses the key
// condition.
func (r *read) parse(keyCond func(*expr.Params) (*expr.KeyCondition, error), filter map[string]expr.Condition) (*expr.KeyCondition, error) {
	in := &r.in
	p, err := params(in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	if err != nil {
		return nil, err
	}
	var kc *expr.KeyCondition
	if keyCond != nil {
		if kc, err = keyCond(p); err != nil {
			return nil, err
		}
	}
	if in.FilterExpression != nil {
		r.filter, err = p.ParseCondition(expr.FieldFilter, *in.FilterExpression)
	} else {
		r.filter, err = expr.Filter(filter, in.ConditionalOperator)
	}
	if err != nil {
		return nil, err
	}
	if r.paths, err = projection(p, in.ProjectionExpression, in.AttributesToGet); err != nil {
		return nil, err
	}
	if err := p.Unused(); err != nil {
		return nil, err
	}
	r.sel, err = checkSelect(in)
	return kc, err
}

// keyQuery checks the key condition against the schema read and makes the
// store's query of it.
func (r *read) keyQuery(kc *expr.KeyCondition) (store.QueryInput, error) {
	hash, sortTerm, err := kc.Resolve(r.key.Partition.Name, r.key.Sort.Name)
	if err != nil {
		return store.QueryInput{}, err
	}
	r.hash, r.sortTerm = hash, sortTerm
	mismatch := invalid("One or more parameter values were invalid: Condition parameter type does not match schema type")
	if hash.Type != attrType(r.key.Partition.Type) {
		return store.QueryInput{}, mismatch
	}
	q := store.QueryInput{
		Table:     r.table.Name,
		Partition: hash.AppendJSON(nil),
		Backward:  r.in.ScanIndexForward != nil && !*r.in.ScanIndexForward,
		Limit:     r.limit(),
		Start:     r.startJSON(),
	}
	if r.index != nil {
		q.Index = r.index.Name
	}
	if sortTerm != nil {
		for _, v := range sortTerm.Values {
			if v.Type != attrType(r.key.Sort.Type) {
				return store.QueryInput{}, mismatch
			}
		}
		q.Sort = &store.SortCond{Op: sortTerm.Op, Value: sortTerm.Values[0].AppendJSON(nil)}
		if len(sortTerm.Values) > 1 {
			q.Sort.Value2 = sortTerm.Values[1].AppendJSON(nil)
		}
	}
	return q, nil
}

// checkQueryStart checks ExclusiveStartKey: of the schema, in the
// partition queried and within the sort key's condition.
func (r *read) checkQueryStart() error {
	if err := r.checkStart(); err != nil || r.start == nil {
		return err
	}
	if !r.start[r.key.Partition.Name].Equal(r.hash) {
		return invalid("The provided starting key is outside query boundaries based on provided conditions")
	}
	if r.sortTerm != nil && !r.sortTerm.Match(r.start[r.key.Sort.Name]) {
		return invalid("The provided starting key does not match the range key predicate")
	}
	return nil
}

// checkFilterKeys refuses a Query filter on the key attributes of the
// schema read, as AWS does.
func (r *read) checkFilterKeys() error {
	if r.filter == nil {
		return nil
	}
	names := map[string]bool{}
	walk(r.filter, names)
	field := "Filter Expression"
	if r.in.FilterExpression == nil {
		field = "QueryFilter"
	}
	for _, a := range keyAttrs(r.key) {
		if names[a.Name] {
			return invalid("%s can only contain non-primary key attributes: Primary key attribute: %s", field, a.Name)
		}
	}
	return nil
}
