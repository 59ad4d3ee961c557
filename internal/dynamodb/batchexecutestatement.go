package dynamodb

import (
	"context"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

// maxBatchStatements is BatchExecuteStatement's limit.
const maxBatchStatements = 25

// batchExecuteStatementInput is BatchExecuteStatement's request.
type batchExecuteStatementInput struct {
	Statements []struct {
		Statement                           string       `json:"Statement"`
		Parameters                          []attr.Value `json:"Parameters"`
		ConsistentRead                      bool         `json:"ConsistentRead"`
		ReturnValuesOnConditionCheckFailure string       `json:"ReturnValuesOnConditionCheckFailure"`
	} `json:"Statements"`
	ReturnConsumedCapacity string `json:"ReturnConsumedCapacity"`
}

// A batchStatementResponse is one statement's outcome: its table and
// item, or its error.
type batchStatementResponse struct {
	TableName string               `json:"TableName,omitempty"`
	Item      attr.Item            `json:"Item,omitempty"`
	Error     *batchStatementError `json:"Error,omitempty"`
}

type batchStatementError struct {
	Code    string    `json:"Code"`
	Message string    `json:"Message"`
	Item    attr.Item `json:"Item,omitempty"`
}

// batchExecuteStatement runs up to 25 statements, all reads (each of one
// item by its full key) or all writes, each on its own: one failing does
// not stop the others, and its error is its response.
func (s *Service) batchExecuteStatement(ctx context.Context, body []byte) (any, error) {
	var in batchExecuteStatementInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkCount(len(in.Statements), maxBatchStatements, "statements"); err != nil {
		return nil, err
	}
	parsed := make([]*statement, len(in.Statements))
	reads, writes := 0, 0
	for i, r := range in.Statements {
		if st, err := parseStatement(r.Statement); err == nil {
			parsed[i] = st
			if st.Verb == "Select" && !st.Exists {
				reads++
			} else {
				writes++
			}
		}
	}
	if reads > 0 && writes > 0 {
		return nil, invalid("BatchExecuteStatement API does not support both read and write operations in the same request.")
	}
	out := struct {
		Responses        []batchStatementResponse `json:"Responses"`
		ConsumedCapacity []*ConsumedCapacity      `json:"ConsumedCapacity,omitempty"`
	}{Responses: make([]batchStatementResponse, len(in.Statements))}
	units := newCapacityTally(in.ReturnConsumedCapacity)
	for i, r := range in.Statements {
		resp := &out.Responses[i]
		if parsed[i] != nil {
			resp.TableName = parsed[i].Table
		}
		p, err := s.prepare(r.Statement, r.Parameters)
		if err == nil && p.st.Exists {
			err = invalid(msgExistsOutside)
		}
		if err == nil {
			if p.st.Verb == "Select" {
				err = s.batchRead(ctx, p, r.ConsistentRead, resp, units)
			} else {
				err = s.batchWrite(ctx, p, r.ReturnValuesOnConditionCheckFailure == "ALL_OLD", units)
			}
		}
		if err != nil {
			resp.Item = nil
			resp.Error = batchError(err)
		}
	}
	out.ConsumedCapacity = units.list()
	return out, nil
}

// batchRead reads the one item a batch's SELECT keys.
func (s *Service) batchRead(ctx context.Context, p *prepared, consistent bool, resp *batchStatementResponse, units *capacityTally) error {
	if p.st.Index != "" {
		return invalid("This operation is not supported on an index")
	}
	item, size, err := s.getOne(ctx, p)
	if err != nil {
		return err
	}
	resp.Item = item
	units.add(p.t.Name, readUnits(size, consistent), 0)
	return nil
}

// batchWrite runs one write of a batch.
func (s *Service) batchWrite(ctx context.Context, p *prepared, returnOld bool, units *capacityTally) error {
	if p.st.Returning != "" {
		return invalid("RETURNING is not supported in BatchExecuteStatement")
	}
	w, err := p.writeOp()
	if err != nil {
		return err
	}
	res, err := s.apply(ctx, w, returnOld)
	if err != nil {
		return err
	}
	if wantsCapacity(units.mode) {
		s.wrote(units.of(p.t.Name), p.t.Name, res, writeUnitsOf(res), 1)
	}
	return nil
}

// batchError is a statement's error as a batch reports it: the
// exception's name without "Exception" (ValidationError for a
// ValidationException), and the item of a failed condition.
func batchError(err error) *batchStatementError {
	e := wire(err).(*Error)
	code := strings.TrimSuffix(e.Code, "Exception")
	if code == "Validation" {
		code = "ValidationError"
	}
	out := &batchStatementError{Code: code, Message: e.Message}
	if e.Item != nil {
		out.Item, _ = attr.DecodeItem(e.Item)
	}
	return out
}

// checkCount checks the length of a list member: 1 to limit entries.
func checkCount(n, limit int, member string) error {
	switch {
	case n < 1:
		return invalid("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must have length greater than or equal to 1", member)
	case n > limit:
		return invalid("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", member, limit)
	}
	return nil
}
