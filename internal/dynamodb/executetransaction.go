package dynamodb

import (
	"context"
	"errors"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// executeTransactionInput is ExecuteTransaction's request.
type executeTransactionInput struct {
	TransactStatements []struct {
		Statement                           string       `json:"Statement"`
		Parameters                          []attr.Value `json:"Parameters"`
		ReturnValuesOnConditionCheckFailure string       `json:"ReturnValuesOnConditionCheckFailure"`
	} `json:"TransactStatements"`
	ClientRequestToken     string `json:"ClientRequestToken"`
	ReturnConsumedCapacity string `json:"ReturnConsumedCapacity"`
}

// executeTransactionOutput is ExecuteTransaction's response.
type executeTransactionOutput struct {
	Responses        []itemResponse      `json:"Responses,omitempty"`
	ConsumedCapacity []*ConsumedCapacity `json:"ConsumedCapacity,omitempty"`
}

// executeTransaction runs up to 100 statements as one transaction: all
// writes, applied all or none by one store transaction (so each is
// logged and streamed), or all reads of single items by their key.
func (s *Service) executeTransaction(ctx context.Context, body []byte) (any, error) {
	var in executeTransactionInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkCount(len(in.TransactStatements), store.MaxTransactItems, "transactStatements"); err != nil {
		return nil, err
	}
	ps := make([]*prepared, len(in.TransactStatements))
	reads := 0
	for i, r := range in.TransactStatements {
		p, err := s.prepare(r.Statement, r.Parameters)
		if err != nil {
			return nil, err
		}
		ps[i] = p
		if p.st.Verb == "Select" && !p.st.Exists {
			reads++
		}
	}
	units := newCapacityTally(in.ReturnConsumedCapacity)
	var out executeTransactionOutput
	var err error
	switch reads {
	case len(ps):
		out.Responses, err = s.transactRead(ctx, ps, units)
	case 0:
		err = s.statementWrites(ctx, ps, &in, body, units)
	default:
		err = invalid("ExecuteTransaction API does not support both read and write operations in the same request.")
	}
	if err != nil {
		return nil, err
	}
	out.ConsumedCapacity = units.list()
	return &out, nil
}

// transactRead reads each statement's item.
func (s *Service) transactRead(ctx context.Context, ps []*prepared, units *capacityTally) ([]itemResponse, error) {
	out := make([]itemResponse, len(ps))
	// Exclusive, as TransactGetItems: no write transaction is half applied.
	s.txMu.Lock()
	defer s.txMu.Unlock()
	for i, p := range ps {
		if p.st.Index != "" {
			return nil, invalid("Reads on indices are not supported within transactions.")
		}
		item, size, err := s.getOne(ctx, p)
		if errors.Is(err, &Error{Code: CodeValidation, Message: msgIncompleteKey}) {
			return nil, invalid("Select statements within ExecuteTransaction must specify the primary key in the where clause.")
		}
		if err != nil {
			return nil, err
		}
		out[i].Item = wireItem(item)
		units.add(p.t.Name, 2*readUnits(size, true), 0)
	}
	return out, nil
}

// statementWrites applies the writes as one store transaction; EXISTS
// statements are its condition checks. A ClientRequestToken makes it
// idempotent for ten minutes, as TransactWriteItems' does.
func (s *Service) statementWrites(ctx context.Context, ps []*prepared, in *executeTransactionInput, body []byte, units *capacityTally) error {
	if token := in.ClientRequestToken; token != "" {
		done, err := s.tokens.begin(token, fingerprint(body), s.now())
		if err != nil || done != nil {
			return err
		}
		err = s.applyStatements(ctx, ps, in, units)
		s.tokens.end(token, err == nil, nil, s.now())
		return err
	}
	return s.applyStatements(ctx, ps, in, units)
}

// applyStatements is statementWrites without the token.
func (s *Service) applyStatements(ctx context.Context, ps []*prepared, in *executeTransactionInput, units *capacityTally) error {
	ops := make([]store.Op, len(ps))
	ws := make([]*write, len(ps))
	for i, p := range ps {
		if p.st.Returning != "" {
			return invalid("RETURNING is not supported in ExecuteTransaction")
		}
		w, err := p.writeOp()
		if err != nil {
			return err
		}
		ws[i], ops[i] = w, w.op
	}
	s.txMu.RLock()
	res, err := s.st.Transact(ctx, ops)
	s.txMu.RUnlock()
	var se *store.Error
	if errors.As(err, &se) && se.Code == store.CodeTransactionCanceled {
		return canceled(se, ws, in)
	}
	if err != nil {
		return err
	}
	if wantsCapacity(units.mode) {
		for i, r := range res {
			s.wrote(units.of(ws[i].table), ws[i].table, r, writeUnitsOf(r), 2)
		}
	}
	return nil
}

// canceled words a cancelled transaction's reasons for PartiQL: an
// INSERT of a key that exists is DuplicateItem, and a failed condition
// keeps its item only when ReturnValuesOnConditionCheckFailure asks.
func canceled(se *store.Error, ws []*write, in *executeTransactionInput) error {
	e := &Error{Code: CodeTransactionCanceled}
	codes := make([]string, len(se.Reasons))
	for i, r := range se.Reasons {
		cr := CancellationReason{Code: r.Code, Message: r.Message}
		switch {
		case r.Code == "ConditionalCheckFailed" && ws[i].verb == "Insert":
			cr = CancellationReason{Code: "DuplicateItem", Message: msgDuplicateItem}
		case r.Code == "ConditionalCheckFailed" && in.TransactStatements[i].ReturnValuesOnConditionCheckFailure == "ALL_OLD":
			cr.Item = r.Item
		case r.Code == "ValidationError":
			cr.Message = strings.TrimPrefix(r.Message, CodeValidation+": ")
		}
		if cr.Code == "None" {
			cr.Message = ""
		}
		e.Reasons = append(e.Reasons, cr)
		codes[i] = cr.Code
	}
	e.Message = "Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]"
	return e
}
