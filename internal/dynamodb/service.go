package dynamodb

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// Options configure a Service.
type Options struct {
	// Store holds the tables.
	Store *store.Store
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Key signs the Streams API's shard iterators (store.Secret, so that
	// they survive a restart and read on any node); random when nil, and
	// then a restart makes the iterators handed out invalid.
	Key []byte
}

// A Service serves the DynamoDB and DynamoDB Streams APIs over a store.
type Service struct {
	st  *store.Store
	now func() time.Time
	key []byte
	// tokens are TransactWriteItems' recent client request tokens.
	tokens tokens
	// txMu is held shared by each write transaction and exclusively by
	// TransactGetItems, which so never reads one half applied.
	txMu sync.RWMutex
}

// New returns the service over o.Store.
func New(o Options) *Service {
	s := &Service{st: o.Store, now: o.Now, key: o.Key}
	if s.now == nil {
		s.now = time.Now
	}
	if s.key == nil {
		s.key = make([]byte, 32)
		rand.Read(s.key)
	}
	return s
}

// An op serves one operation: it reads the request document and returns
// the response, which Do encodes as JSON.
type op func(s *Service, ctx context.Context, body []byte) (any, error)

// ops are DynamoDB's operations, by name.
var ops = map[string]op{
	"CreateTable":           (*Service).createTable,
	"DeleteTable":           (*Service).deleteTable,
	"DescribeTable":         (*Service).describeTable,
	"ListTables":            (*Service).listTables,
	"UpdateTable":           (*Service).updateTable,
	"DescribeTimeToLive":    (*Service).describeTimeToLive,
	"UpdateTimeToLive":      (*Service).updateTimeToLive,
	"TagResource":           (*Service).tagResource,
	"UntagResource":         (*Service).untagResource,
	"ListTagsOfResource":    (*Service).listTagsOfResource,
	"DescribeLimits":        (*Service).describeLimits,
	"DescribeEndpoints":     (*Service).describeEndpoints,
	"PutItem":               (*Service).putItem,
	"GetItem":               (*Service).getItem,
	"UpdateItem":            (*Service).updateItem,
	"DeleteItem":            (*Service).deleteItem,
	"BatchGetItem":          (*Service).batchGetItem,
	"BatchWriteItem":        (*Service).batchWriteItem,
	"TransactWriteItems":    (*Service).transactWriteItems,
	"TransactGetItems":      (*Service).transactGetItems,
	"Query":                 (*Service).query,
	"Scan":                  (*Service).scan,
	"ExecuteStatement":      (*Service).executeStatement,
	"BatchExecuteStatement": (*Service).batchExecuteStatement,
	"ExecuteTransaction":    (*Service).executeTransaction,
}

// streamOps are DynamoDB Streams' operations, by name.
var streamOps = map[string]op{
	"ListStreams":      (*Service).listStreams,
	"DescribeStream":   (*Service).describeStream,
	"GetShardIterator": (*Service).getShardIterator,
	"GetRecords":       (*Service).getRecords,
}

// Operations are the names of the DynamoDB API's operations served.
func Operations() []string { return names(ops) }

// StreamOperations are the names of the DynamoDB Streams API's
// operations served.
func StreamOperations() []string { return names(streamOps) }

// Do serves the DynamoDB operation named op (Stream true: the DynamoDB
// Streams operation) with the request document body, and returns the
// response document. Its errors are *Error.
func (s *Service) Do(ctx context.Context, name string, streams bool, body []byte) ([]byte, error) {
	table := ops
	if streams {
		table = streamOps
	}
	f, ok := table[name]
	if !ok {
		return nil, &Error{Code: CodeUnknownOperation, Message: "Unknown operation " + name}
	}
	out, err := f(s, ctx, body)
	if err != nil {
		return nil, wire(err)
	}
	if raw, ok := out.([]byte); ok {
		return raw, nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, &Error{Code: CodeInternalServerError, Message: "encoding the response: " + err.Error()}
	}
	return b, nil
}

// names are a table's operation names, sorted.
func names(table map[string]op) []string {
	out := make([]string, 0, len(table))
	for n := range table {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
