package sqs

import (
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/sqs"
)

// Result is a synchronous invocation's result: the function's response,
// and its error type when it failed (Lambda's X-Amz-Function-Error).
type Result struct {
	Payload       []byte
	FunctionError string
}

// settle decides which messages of a batch the function processed, given
// its result: del[i] is true when batch[i] is to be deleted. err is why
// messages are kept (nil when none is).
func settle(batch []sqs.Message, res Result, report, fifo bool) (del []bool, err error) {
	const op errs.Op = "sqs.settle"
	del = make([]bool, len(batch))
	if res.FunctionError != "" {
		return del, errs.E(op, errs.Errorf("function error %s", res.FunctionError))
	}
	if !report {
		for i := range del {
			del[i] = true
		}
		return del, nil
	}
	ids, err := Failures(res.Payload)
	if err != nil {
		return del, err
	}
	failed := make(map[string]bool, len(ids))
	for _, id := range ids {
		failed[id] = true
	}
	inBatch := make(map[string]bool, len(batch))
	stopped := map[string]bool{} // FIFO groups with a failed message
	for i := range batch {
		m := &batch[i]
		group := m.Attributes["MessageGroupId"]
		inBatch[m.MessageID] = true
		switch {
		case failed[m.MessageID]:
			if fifo {
				stopped[group] = true
			}
		case fifo && stopped[group]:
			// After a failure its group stops, to keep the order.
		default:
			del[i] = true
		}
	}
	for _, id := range ids {
		if inBatch[id] {
			continue
		}
		clear(del)
		return del, errs.E(op, errs.Invalid, errs.Errorf("itemIdentifier %q names no message of the batch", id))
	}
	if len(ids) > 0 {
		return del, errs.E(op, errs.Errorf("%d of %d messages failed", len(failed), len(batch)))
	}
	return del, nil
}
