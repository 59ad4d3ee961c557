package dynamodb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// transactOp is one operation of a transaction as the request gives it:
// the members of Put, Update, Delete, ConditionCheck and Get.
type transactOp struct {
	TableName                           string
	Item                                attr.Item
	Key                                 attr.Item
	UpdateExpression                    *string
	ConditionExpression                 *string
	ProjectionExpression                *string
	ExpressionAttributeNames            map[string]string
	ExpressionAttributeValues           map[string]json.RawMessage
	ReturnValuesOnConditionCheckFailure string
}

// transactWriteItem is one item of a TransactWriteItems: one of its
// members is set.
type transactWriteItem struct {
	Put, Update, Delete, ConditionCheck *transactOp
}

// transactWriteItemsInput is a TransactWriteItems request.
type transactWriteItemsInput struct {
	TransactItems               []transactWriteItem
	ClientRequestToken          *string
	ReturnConsumedCapacity      string
	ReturnItemCollectionMetrics string
}

// transactWriteItemsOutput is a TransactWriteItems response.
type transactWriteItemsOutput struct {
	ConsumedCapacity      []*ConsumedCapacity                 `json:",omitempty"`
	ItemCollectionMetrics map[string][]*ItemCollectionMetrics `json:",omitempty"`
}

// A transactWrite is a checked operation of a transaction: the store's
// op and what the response needs of it.
type transactWrite struct {
	op        store.Op
	onFailure string
	check     bool // a ConditionCheck: read, not written
	// written is the item or key written, for ItemCollectionMetrics;
	// nil for a ConditionCheck.
	written attr.Item
}

// transactWriteItems applies up to 100 writes and condition checks, on
// distinct items of one or more tables, all or none. A request repeated
// with its ClientRequestToken within ten minutes succeeds again without
// writing.
func (s *Service) transactWriteItems(ctx context.Context, body []byte) (any, error) {
	var in transactWriteItemsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	writes, err := s.transactWrites(in)
	if err != nil {
		return nil, err
	}
	token := ""
	if in.ClientRequestToken != nil {
		token = *in.ClientRequestToken
		done, err := s.tokens.begin(token, fingerprint(body), s.now())
		if err != nil {
			return nil, err
		}
		if done != nil {
			return replayed(in.ReturnConsumedCapacity, done.reads), nil
		}
	}
	out, reads, err := s.transact(ctx, in.ReturnConsumedCapacity, writes)
	if token != "" {
		s.tokens.end(token, err == nil, reads, s.now())
	}
	if err != nil {
		return nil, err
	}
	var ws []written
	for _, w := range writes {
		if w.written != nil {
			ws = append(ws, written{table: w.op.Table, item: w.written})
		}
	}
	out.ItemCollectionMetrics = s.collectionsMetrics(in.ReturnItemCollectionMetrics, ws)
	return out, nil
}

// transact runs a checked transaction. It returns the response and, for a
// retry with the same token, the read units of each table.
func (s *Service) transact(ctx context.Context, mode string, writes []transactWrite) (*transactWriteItemsOutput, map[string]float64, error) {
	ops := make([]store.Op, len(writes))
	for i, w := range writes {
		ops[i] = w.op
	}
	s.txMu.RLock()
	res, err := s.st.Transact(ctx, ops)
	s.txMu.RUnlock()
	if err != nil {
		return nil, nil, cancelled(err, writes)
	}
	use, reads := newCapacityTally(mode), map[string]float64{}
	for i, w := range writes {
		// Transactions count double; a condition check reads.
		if w.check {
			use.add(w.op.Table, 2*readUnits(storedSize(res[i].Old), true), 0)
		} else if wantsCapacity(mode) {
			s.wrote(use.of(w.op.Table), w.op.Table, res[i], writeUnitsOf(res[i]), 2)
		}
		reads[w.op.Table] += 2 * readUnits(storedSize(res[i].New), true)
	}
	slices.Sort(use.order)
	return &transactWriteItemsOutput{ConsumedCapacity: use.list()}, reads, nil
}

// replayed is the response to a retried transaction: it read its items
// again, and wrote nothing.
func replayed(mode string, reads map[string]float64) *transactWriteItemsOutput {
	out := &transactWriteItemsOutput{}
	for _, name := range sortedNames(reads) {
		if c := consumed(mode, name, reads[name], 0); c != nil {
			out.ConsumedCapacity = append(out.ConsumedCapacity, c)
		}
	}
	return out
}

// cancelled words the store's cancellation as AWS does: an item only for
// the operations that asked for it, and validation messages bare.
func cancelled(err error, writes []transactWrite) error {
	e, ok := wire(err).(*Error)
	if !ok || e.Code != CodeTransactionCanceled {
		return err
	}
	for i := range e.Reasons {
		r := &e.Reasons[i]
		if r.Code == "ConditionalCheckFailed" && (i >= len(writes) || writes[i].onFailure != returnAllOld) {
			r.Item = nil
		}
		r.Message = strings.TrimPrefix(r.Message, CodeValidation+": ")
	}
	return e
}

// transactWrites checks a TransactWriteItems request and makes its ops.
func (s *Service) transactWrites(in transactWriteItemsInput) ([]transactWrite, error) {
	var c constraints
	c.enum("returnConsumedCapacity", in.ReturnConsumedCapacity, enumCapacity)
	c.enum("returnItemCollectionMetrics", in.ReturnItemCollectionMetrics, enumMetrics)
	c.transactItems(len(in.TransactItems))
	if in.ClientRequestToken != nil && (len(*in.ClientRequestToken) < 1 || len(*in.ClientRequestToken) > 36) {
		c = append(c, fmt.Sprintf("Value '%s' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36", *in.ClientRequestToken))
	}
	for i, it := range in.TransactItems {
		for _, op := range []*transactOp{it.Put, it.Update, it.Delete, it.ConditionCheck} {
			if op != nil {
				c.enum(fmt.Sprintf("transactItems.%d.member.returnValuesOnConditionCheckFailure", i+1), op.ReturnValuesOnConditionCheckFailure, enumOnConditionCheck)
			}
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	out := make([]transactWrite, len(in.TransactItems))
	for i, it := range in.TransactItems {
		w, err := s.transactWrite(it)
		if err != nil {
			return nil, err
		}
		out[i] = w
	}
	if transactSize(in.TransactItems) > maxTransactSize {
		return nil, invalid(msgTransactSize)
	}
	return out, nil
}

// maxTransactSize is DynamoDB's limit of the aggregate size of a
// transaction's items: 4 MB. AWS documents the limit but not the
// message it refuses a transaction with: msgTransactSize is the API
// reference's own sentence.
const (
	maxTransactSize = 4 << 20
	msgTransactSize = "The aggregate size of the items in the transaction cannot exceed 4 MB"
)

// transactSize is the aggregate size of the items of a transaction's
// request: each Put's item, and each other action's key.
func transactSize(items []transactWriteItem) int {
	n := 0
	for _, it := range items {
		switch {
		case it.Put != nil:
			n += attr.Size(it.Put.Item)
		case it.Update != nil:
			n += attr.Size(it.Update.Key)
		case it.Delete != nil:
			n += attr.Size(it.Delete.Key)
		case it.ConditionCheck != nil:
			n += attr.Size(it.ConditionCheck.Key)
		}
	}
	return n
}

// transactItems records a transaction of n items outside 1 to 100.
func (c *constraints) transactItems(n int) {
	switch {
	case n < 1:
		*c = append(*c, "Value null at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
	case n > store.MaxTransactItems:
		*c = append(*c, fmt.Sprintf("Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to %d", store.MaxTransactItems))
	}
}

// transactWrite checks one item of a TransactWriteItems.
func (s *Service) transactWrite(it transactWriteItem) (transactWrite, error) {
	set := 0
	for _, op := range []*transactOp{it.Put, it.Update, it.Delete, it.ConditionCheck} {
		if op != nil {
			set++
		}
	}
	switch {
	case set == 0:
		return transactWrite{}, invalid("The action or operation requested is invalid. Verify that the action is typed correctly.")
	case set > 1:
		return transactWrite{}, invalid("TransactItems can only contain one of Check, Put, Update or Delete")
	}
	switch {
	case it.Put != nil:
		w, err := s.transactGuarded(it.Put, true)
		w.written = it.Put.Item
		return w, err
	case it.Update != nil:
		return s.transactUpdate(it.Update)
	case it.Delete != nil:
		w, err := s.transactGuarded(it.Delete, false)
		w.op.Delete, w.written = true, it.Delete.Key
		return w, err
	}
	w, err := s.transactGuarded(it.ConditionCheck, false)
	w.check = true
	return w, err
}

// transactUpdate checks a transaction's Update.
func (s *Service) transactUpdate(p *transactOp) (transactWrite, error) {
	u, g, err := updateParams(p.UpdateExpression, nil, p.ConditionExpression, nil, "", p.ExpressionAttributeNames, p.ExpressionAttributeValues)
	if err != nil {
		return transactWrite{}, err
	}
	t, err := s.table(p.TableName)
	if err != nil {
		return transactWrite{}, err
	}
	if err := checkKey(t, p.Key); err != nil {
		return transactWrite{}, err
	}
	if err := u.checkKeyAttrs(t); err != nil {
		return transactWrite{}, err
	}
	return transactWrite{op: store.Op{Table: t.Name, Key: encode(p.Key), Update: u.fn(t, p.Key, g)},
		onFailure: p.ReturnValuesOnConditionCheckFailure, written: p.Key}, nil
}

// transactGuarded checks a transaction's Put (put set: p.Item is the
// item), Delete or ConditionCheck (p.Key is the key).
func (s *Service) transactGuarded(p *transactOp, put bool) (transactWrite, error) {
	g, err := writeGuard(p.ConditionExpression, nil, "", p.ExpressionAttributeNames, p.ExpressionAttributeValues)
	if err != nil {
		return transactWrite{}, err
	}
	t, err := s.table(p.TableName)
	if err != nil {
		return transactWrite{}, err
	}
	op := store.Op{Table: t.Name, Cond: g.check}
	if put {
		err = checkItem(t, p.Item)
		op.Put = encode(p.Item)
	} else {
		err = checkKey(t, p.Key)
		op.Key = encode(p.Key)
	}
	if err != nil {
		return transactWrite{}, err
	}
	return transactWrite{op: op, onFailure: p.ReturnValuesOnConditionCheckFailure}, nil
}
