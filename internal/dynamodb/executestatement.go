package dynamodb

import (
	"context"
	"encoding/json"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

// executeStatementInput is ExecuteStatement's request.
type executeStatementInput struct {
	Statement                           string       `json:"Statement"`
	Parameters                          []attr.Value `json:"Parameters"`
	ConsistentRead                      bool         `json:"ConsistentRead"`
	NextToken                           string       `json:"NextToken"`
	Limit                               *int         `json:"Limit"`
	ReturnConsumedCapacity              string       `json:"ReturnConsumedCapacity"`
	ReturnValuesOnConditionCheckFailure string       `json:"ReturnValuesOnConditionCheckFailure"`
}

// executeStatementOutput is ExecuteStatement's response: Items is always
// present, empty for a write without RETURNING.
type executeStatementOutput struct {
	Items            []attr.Item       `json:"Items"`
	NextToken        string            `json:"NextToken,omitempty"`
	LastEvaluatedKey json.RawMessage   `json:"LastEvaluatedKey,omitempty"`
	ConsumedCapacity *ConsumedCapacity `json:"ConsumedCapacity,omitempty"`
}

// executeStatement runs one PartiQL statement: a SELECT reads a page (a
// Query when the WHERE clause fixes the partition key, else a Scan), a
// write changes one item through the store, so that it is logged and
// streamed as any other write.
func (s *Service) executeStatement(ctx context.Context, body []byte) (any, error) {
	var in executeStatementInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkStatementLength(in.Statement, "statement"); err != nil {
		return nil, err
	}
	if in.Limit != nil && *in.Limit < 1 {
		return nil, invalid("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1", *in.Limit)
	}
	p, err := s.prepare(in.Statement, in.Parameters)
	if err != nil {
		return nil, err
	}
	if p.st.Exists {
		return nil, invalid(msgExistsOutside)
	}
	if p.st.Verb == "Select" {
		return s.executeSelect(p, &in)
	}
	if in.NextToken != "" {
		return nil, invalid(msgBadToken)
	}
	w, err := p.writeOp()
	if err != nil {
		return nil, err
	}
	res, err := s.apply(ctx, w, in.ReturnValuesOnConditionCheckFailure == "ALL_OLD")
	if err != nil {
		return nil, err
	}
	out := &executeStatementOutput{Items: []attr.Item{}}
	item, err := returning(p.st.Returning, w, res)
	if err != nil {
		return nil, err
	}
	if item != nil {
		out.Items = append(out.Items, item)
	}
	out.ConsumedCapacity = s.writeCapacity(in.ReturnConsumedCapacity, p.t.Name, res, writeUnitsOf(res))
	return out, nil
}

// executeSelect reads one page of a SELECT.
func (s *Service) executeSelect(p *prepared, in *executeStatementInput) (any, error) {
	rp, err := p.plan()
	if err != nil {
		return nil, err
	}
	if in.ConsistentRead && rp.global {
		return nil, invalid("Strongly consistent read is not supported on Global Secondary Indexes")
	}
	hash := requestHash(in.Statement, in.Parameters)
	tok, err := readToken(in.NextToken, hash)
	if err != nil {
		return nil, err
	}
	limit := 0
	if in.Limit != nil {
		limit = *in.Limit
	}
	page, err := s.read(p, rp, tok, limit)
	if err != nil {
		return nil, err
	}
	out := &executeStatementOutput{Items: page.items, LastEvaluatedKey: page.last}
	if out.Items == nil {
		out.Items = []attr.Item{}
	}
	if page.next != nil {
		page.next.Hash = hash
		out.NextToken = page.next.encode()
	}
	out.ConsumedCapacity = consumed(in.ReturnConsumedCapacity, p.t.Name, readUnits(page.bytes, in.ConsistentRead), 0)
	return out, nil
}

// msgExistsOutside refuses EXISTS outside a transaction of writes.
const msgExistsOutside = "EXISTS can only be used in ExecuteTransaction write requests."

// checkStatementLength checks a Statement member: 1 to 8192 characters.
func checkStatementLength(stmt, member string) error {
	switch {
	case stmt == "":
		return invalid("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
	case len(stmt) > 8192:
		return invalid("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to 8192", member)
	}
	return nil
}
