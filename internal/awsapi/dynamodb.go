package awsapi

import (
	"errors"
	"hash/crc32"
	"net/http"
	"strconv"

	"github.com/verge-edge/verge/internal/dynamodb"
	"github.com/verge-edge/verge/internal/sigv4"
)

// DynamoDB returns the DynamoDB API and the DynamoDB Streams API on the
// service d opens: AWS JSON 1.0, signed for "dynamodb" both, told apart
// by X-Amz-Target (DynamoDB_20120810.*, DynamoDBStreams_20120810.*).
// Responses carry X-Amz-Crc32, the CRC32 of the body, which the SDKs
// check when present.
func DynamoDB(d Opener[*dynamodb.Service]) *Service {
	svc := &lazy[*dynamodb.Service]{open: d}
	var ops []Operation
	add := func(names []string, target string, streams bool) {
		for _, name := range names {
			ops = append(ops, Operation{Name: name, Target: target,
				Also: func(r *http.Request) []Grant { return dynamoGrants(r, name, streams) },
				Handle: func(w http.ResponseWriter, r *http.Request) error {
					return serveDynamoDB(w, r, svc.v, name, streams)
				}})
		}
	}
	add(dynamodb.Operations(), dynamoTarget, false)
	add(dynamodb.StreamOperations(), dynamoStreamsTarget, true)
	svc.guard(ops)
	return &Service{Name: "dynamodb", Protocol: JSON10, Target: dynamoTarget, Ops: ops}
}

// maxDynamoRequest is the largest DynamoDB request body: BatchWriteItem's
// 16 MB (25 items of 400 KB, escaped), the most a signed body may be.
const maxDynamoRequest = sigv4.MaxBody

// dynamoBody is r's body, at most maxDynamoRequest bytes.
func dynamoBody(r *http.Request) ([]byte, error) {
	b, err := readBody(r, maxDynamoRequest)
	if err == nil && len(b) > maxDynamoRequest {
		err = ErrSerialization.With("the request is larger than " + strconv.Itoa(maxDynamoRequest) + " bytes")
	}
	return b, err
}

// dynamoGrants are the actions a DynamoDB request needs, which its body
// decides (a transaction's items, a batch's tables, PartiQL's verbs).
func dynamoGrants(r *http.Request, name string, streams bool) []Grant {
	body, err := dynamoBody(r)
	if err != nil {
		return nil
	}
	if !streams && tableOnlyOps[name] {
		if small, ok := tableMembers(body); ok {
			body = small
		}
	}
	var out []Grant
	for _, g := range dynamodb.Grants(name, streams, body) {
		out = append(out, Grant{Action: g.Action, Resources: g.Resources})
	}
	if len(out) == 0 {
		// Grants found nothing to check (a member it cannot decode, which
		// the operation itself may ignore): the operation's action on
		// every resource, rather than no check at all.
		out = []Grant{{Action: "dynamodb:" + name}}
	}
	return out
}

// serveDynamoDB runs one operation and writes its response with the CRC32
// DynamoDB sends.
func serveDynamoDB(w http.ResponseWriter, r *http.Request, d *dynamodb.Service, name string, streams bool) error {
	body, err := dynamoBody(r)
	if err != nil {
		return err
	}
	out, err := d.Do(r.Context(), name, streams, body)
	if err != nil {
		return dynamoError(err)
	}
	h := w.Header()
	h.Set("Content-Type", contentJSON10)
	h.Set(headerCRC32, strconv.FormatUint(uint64(crc32.ChecksumIEEE(out)), 10))
	h.Set("Content-Length", strconv.Itoa(len(out)))
	w.Write(out)
	return nil
}

// dynamoError is a DynamoDB error as the protocol writes it: the
// exception in DynamoDB's namespace, a server fault for
// InternalServerError, and the members a cancelled transaction or a failed
// condition carries.
func dynamoError(err error) *Error {
	var de *dynamodb.Error
	if !errors.As(err, &de) {
		return asError(err)
	}
	e := &Error{Code: de.Code, Status: http.StatusBadRequest, Fault: faultSender, Message: de.Message, Namespace: dynamoNamespace}
	switch de.Code {
	case dynamodb.CodeInternalServerError:
		e.Status, e.Fault = http.StatusInternalServerError, faultReceiver
	}
	if de.Reasons != nil {
		e.Fields = map[string]any{"CancellationReasons": de.Reasons}
	}
	if de.Item != nil {
		e.Fields = map[string]any{"Item": de.Item}
	}
	return e
}
