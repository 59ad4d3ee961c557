package sqs

import (
	"bytes"
	"encoding/json"

	"github.com/verge-edge/verge/internal/errs"
)

// Failures reads a function's partial batch response and returns the
// message ids it reports as failed (none: the whole batch succeeded). An
// error means the whole batch failed.
//
// AWS's table ("Success and failure conditions", Lambda developer guide,
// services-sqs-errorhandling): the batch is a complete success for an empty
// or null batchItemFailures list and an empty or null EventResponse; it is
// a complete failure for an invalid JSON response, an empty or null
// itemIdentifier, an itemIdentifier with a bad key name, and an
// itemIdentifier that names no message of the batch (the caller checks
// the last). Keys are matched exactly, and other keys are ignored (so
// {"statusCode":200,"batchItemFailures":[…]} works, as on AWS).
func Failures(payload []byte) ([]string, error) {
	const op errs.Op = "sqs.Failures"
	bad := func(format string, args ...any) ([]string, error) {
		return nil, errs.E(op, errs.Invalid, errs.Errorf(format, args...))
	}
	payload = bytes.TrimSpace(payload)
	if len(payload) == 0 || string(payload) == "null" {
		return nil, nil
	}
	if !json.Valid(payload) {
		return bad("the response is not valid JSON")
	}
	if payload[0] != '{' {
		return bad("the response is not an object")
	}
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(payload, &resp); err != nil {
		return bad("the response: %v", err)
	}
	list := bytes.TrimSpace(resp["batchItemFailures"])
	if len(list) == 0 || string(list) == "null" {
		return nil, nil
	}
	if list[0] != '[' {
		return bad("batchItemFailures is not a list")
	}
	var items []json.RawMessage
	if err := json.Unmarshal(list, &items); err != nil {
		return bad("batchItemFailures: %v", err)
	}
	ids := make([]string, 0, len(items))
	for i, raw := range items {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || raw[0] != '{' {
			return bad("batchItemFailures[%d] is not an object", i)
		}
		var item map[string]json.RawMessage
		if err := json.Unmarshal(raw, &item); err != nil {
			return bad("batchItemFailures[%d]: %v", i, err)
		}
		id, ok := item["itemIdentifier"]
		if !ok {
			return bad("batchItemFailures[%d] has no itemIdentifier", i)
		}
		id = bytes.TrimSpace(id)
		if len(id) == 0 || id[0] != '"' {
			return bad("batchItemFailures[%d].itemIdentifier is not a string", i)
		}
		var s string
		if err := json.Unmarshal(id, &s); err != nil {
			return bad("batchItemFailures[%d].itemIdentifier: %v", i, err)
		}
		if s == "" {
			return bad("batchItemFailures[%d].itemIdentifier is empty", i)
		}
		ids = append(ids, s)
	}
	return ids, nil
}
