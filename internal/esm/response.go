package esm

import (
	"bytes"
	"encoding/json"

	"github.com/verge-edge/verge/internal/errs"
)

// A response is what the Manager reads of a function's answer to a batch.
type response struct {
	// failed are the itemIdentifiers of batchItemFailures: none when the
	// whole batch succeeded.
	failed []string
	// state is the tumbling window state returned; nil when absent.
	state json.RawMessage
}

// readResponse reads a function's response: its batchItemFailures when
// report is set, its window state when window is. An error fails the whole
// batch.
//
// AWS's table ("Success and failure conditions", partial batch response
// for Kinesis and DynamoDB streams): an empty or null batchItemFailures
// list and an empty or null response are a complete success; an empty or
// null itemIdentifier, or one under a bad key name, is a complete failure
// (as is, checked by the caller, one that names no record of the batch).
// With a tumbling window the response must hold a state object. Keys are
// matched exactly; other keys are ignored.
func readResponse(payload []byte, report, window bool) (response, error) {
	const op errs.Op = "esm.readResponse"
	bad := func(format string, args ...any) (response, error) {
		return response{}, errs.E(op, errs.Invalid, errs.Errorf(format, args...))
	}
	var r response
	payload = bytes.TrimSpace(payload)
	var top map[string]json.RawMessage
	switch {
	case len(payload) == 0 || string(payload) == "null":
	case !json.Valid(payload):
		return bad("the response is not valid JSON")
	case payload[0] != '{':
		return bad("the response is not an object")
	default:
		if err := json.Unmarshal(payload, &top); err != nil {
			return bad("the response: %v", err)
		}
	}
	if window {
		st, ok := top["state"]
		st = bytes.TrimSpace(st)
		switch {
		case !ok:
			return bad("the response of a tumbling window invocation has no state")
		case string(st) == "null":
			r.state = json.RawMessage("{}")
		case len(st) == 0 || st[0] != '{':
			return bad("the response's state is not an object")
		default:
			r.state = st
		}
	}
	if !report {
		return r, nil
	}
	ids, err := itemFailures(top["batchItemFailures"])
	if err != nil {
		return response{}, errs.E(op, errs.Invalid, err)
	}
	r.failed = ids
	return r, nil
}

// itemFailures reads a batchItemFailures list: the itemIdentifiers.
func itemFailures(list json.RawMessage) ([]string, error) {
	list = bytes.TrimSpace(list)
	if len(list) == 0 || string(list) == "null" {
		return nil, nil
	}
	if list[0] != '[' {
		return nil, errs.Errorf("batchItemFailures is not a list")
	}
	var items []json.RawMessage
	if err := json.Unmarshal(list, &items); err != nil {
		return nil, errs.Errorf("batchItemFailures: %v", err)
	}
	ids := make([]string, 0, len(items))
	for i, raw := range items {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || raw[0] != '{' {
			return nil, errs.Errorf("batchItemFailures[%d] is not an object", i)
		}
		var item map[string]json.RawMessage
		if err := json.Unmarshal(raw, &item); err != nil {
			return nil, errs.Errorf("batchItemFailures[%d]: %v", i, err)
		}
		id := bytes.TrimSpace(item["itemIdentifier"])
		switch {
		case len(id) == 0:
			return nil, errs.Errorf("batchItemFailures[%d] has no itemIdentifier", i)
		case id[0] != '"':
			return nil, errs.Errorf("batchItemFailures[%d].itemIdentifier is not a string", i)
		}
		var s string
		if err := json.Unmarshal(id, &s); err != nil {
			return nil, errs.Errorf("batchItemFailures[%d].itemIdentifier: %v", i, err)
		}
		if s == "" {
			return nil, errs.Errorf("batchItemFailures[%d].itemIdentifier is empty", i)
		}
		ids = append(ids, s)
	}
	return ids, nil
}

// firstFailed is the index in batch of the first record ids name, or an
// error when one of them names no record of the batch.
func firstFailed(batch []*entry, ids []string) (int, error) {
	at := make(map[string]int, len(batch))
	for i, e := range batch {
		at[e.rec.Seq] = i
	}
	first := len(batch)
	for _, id := range ids {
		i, ok := at[id]
		if !ok {
			return 0, errs.E(errs.Op("esm.firstFailed"), errs.Invalid, errs.Errorf("itemIdentifier %q names no record of the batch", id))
		}
		first = min(first, i)
	}
	return first, nil
}
