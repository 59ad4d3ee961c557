package dynamodb_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// pqTable creates table t with partition key pk (S) and sort key sk (N),
// and its items: pk a and b, sk 1 to 3, with n = sk*10 and tag "x" on
// odd sk.
func pqTable(t *testing.T, e *env, stream string) {
	t.Helper()
	ctx := context.Background()
	_, err := e.st.CreateTable(ctx, store.TableConfig{Name: "tbl",
		Key:        store.KeySchema{Partition: store.Attr{Name: "pk", Type: "S"}, Sort: store.Attr{Name: "sk", Type: "N"}},
		StreamView: stream})
	if err != nil {
		t.Fatal(err)
	}
	for _, pk := range []string{"a", "b"} {
		for _, sk := range []string{"1", "2", "3"} {
			stmt, params := `INSERT INTO "tbl" VALUE {'pk': ?, 'sk': ?, 'n': ?, 'tag': 'x'}`, []types.AttributeValue{s(pk), n(sk), n(sk + "0")}
			if sk == "2" {
				stmt = `INSERT INTO "tbl" VALUE {'pk': ?, 'sk': ?, 'n': ?}`
			}
			if _, err := e.db.ExecuteStatement(ctx, &awsddb.ExecuteStatementInput{Statement: aws.String(stmt), Parameters: params}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// keysOf lists items as pk/sk strings.
func keysOf(items []map[string]types.AttributeValue) string {
	var out []string
	for _, it := range items {
		s := ""
		if v, ok := it["pk"].(*types.AttributeValueMemberS); ok {
			s = v.Value
		}
		if v, ok := it["sk"].(*types.AttributeValueMemberN); ok {
			s += v.Value
		}
		if s == "" {
			s = "-"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// TestExecuteStatementSelect: SELECTs as Queries and Scans, with
// conditions, parameters, projections and ORDER BY, and their errors.
func TestExecuteStatementSelect(t *testing.T) {
	e := newEnv(t, store.Options{})
	pqTable(t, e, "")
	tests := []struct {
		stmt   string
		params []types.AttributeValue
		want   string // keys of the items, in order
		code   string
		msg    string
	}{
		{stmt: `SELECT * FROM "tbl" WHERE pk = 'a'`, want: "a1 a2 a3"},
		{stmt: `select * from tbl where "pk" = ? and sk > ?`, params: []types.AttributeValue{s("b"), n("1")}, want: "b2 b3"},
		{stmt: `SELECT * FROM tbl WHERE pk = 'a' AND sk BETWEEN 2 AND 3`, want: "a2 a3"},
		{stmt: `SELECT * FROM tbl WHERE pk = 'a' ORDER BY sk DESC`, want: "a3 a2 a1"},
		{stmt: `SELECT * FROM tbl WHERE pk IN ['b', 'a'] AND sk = 2`, want: "b2 a2"},
		{stmt: `SELECT * FROM tbl WHERE pk IN ('b', 'a') AND sk = 2`, want: "b2 a2"},
		{stmt: `SELECT * FROM tbl WHERE sk = 2`, want: "a2 b2"},
		{stmt: `SELECT * FROM tbl WHERE tag IS MISSING OR n >= 30`, want: "a2 a3 b2 b3"},
		{stmt: `SELECT * FROM tbl WHERE tag IS NOT MISSING AND pk = 'b'`, want: "b1 b3"},
		{stmt: `SELECT * FROM tbl WHERE NOT (pk = 'a') AND sk IN [1, 3]`, want: "b1 b3"},
		{stmt: `SELECT * FROM tbl WHERE begins_with(pk, 'b') AND size(tag) = 1`, want: "b1 b3"},
		{stmt: `SELECT * FROM tbl WHERE pk = 'a' AND attribute_type(n, 'N') AND n <> 20`, want: "a1 a3"},
		{stmt: `SELECT * FROM tbl WHERE pk = 'a' AND tag IS NULL`, want: "a2"},
		{stmt: `SELECT pk, n FROM tbl WHERE pk = 'a' AND sk = 1`, want: "a"},
		{stmt: `SELECT sk FROM tbl WHERE pk = 'zzz'`, want: ""},
		{stmt: `SELECT * FROM tbl WHERE pk = ?`, code: "ValidationException", msg: "Number of parameters in request and statement don't match."},
		{stmt: `SELECT * FROM tbl WHERE pk = 1`, code: "ValidationException", msg: "Key attribute's data type should match its data type in table's schema: Key pk"},
		{stmt: `SELECT * FROM nope`, code: "ResourceNotFoundException", msg: "Requested resource not found"},
		{stmt: `SELECT * FROM tbl WHERE`, code: "ValidationException", msg: "Statement wasn't well formed, can't be processed: Unexpected end of statement"},
		{stmt: `SHOW TABLES`, code: "ValidationException", msg: "Statement wasn't well formed, can't be processed: Expected data manipulation"},
		{stmt: `SELECT * FROM tbl ORDER BY sk`, code: "ValidationException", msg: "Must have WHERE clause in the statement when using ORDER BY clause."},
		{stmt: `SELECT * FROM tbl WHERE pk = 'a' ORDER BY n`, code: "ValidationException", msg: "Variable reference n in ORDER BY clause must be part of the primary key"},
		{stmt: `SELECT *, pk FROM tbl`, code: "ValidationException", msg: "Other attributes should not be present in the projection when '*' is used."},
		{stmt: `EXISTS(SELECT * FROM tbl WHERE pk = 'a' AND sk = 1 AND n = 10)`, code: "ValidationException", msg: "EXISTS can only be used in ExecuteTransaction write requests."},
		{stmt: `INSERT INTO tbl VALUE {'pk': 'q', 'sk': 1, 's': <<>>}`, code: "ValidationException", msg: "Empty bags are not supported"},
		{stmt: `INSERT INTO tbl VALUE {'pk': 'q', 'sk': 1, 's': <<1, 'a'>>}`, code: "ValidationException",
			msg: "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"},
		{stmt: `INSERT INTO tbl VALUE {'pk': 'q', 'sk': 1, 's': <<'a', 'a'>>}`, code: "ValidationException", msg: "Input collection contains duplicates"},
		{stmt: `SELECT * FROM tbl WHERE tag IS STRING AND sk = 3 AND n IS NUMERIC`, want: "a3 b3"},
		{stmt: `SELECT * FROM tbl WHERE pk = 'a' AND sk = 'x'`, want: ""},
		{stmt: `SELECT * FROM tbl WHERE tag = MISSING`, code: "ValidationException", msg: "MISSING must be compared using IS operator"},
	}
	for _, tt := range tests {
		out, err := e.db.ExecuteStatement(context.Background(), &awsddb.ExecuteStatementInput{Statement: aws.String(tt.stmt), Parameters: tt.params})
		code, msg := apiError(t, err)
		if code != tt.code || msg != tt.msg {
			t.Errorf("%s: error %q %q, want %q %q", tt.stmt, code, msg, tt.code, tt.msg)
			continue
		}
		if err == nil {
			if got := keysOf(out.Items); got != tt.want {
				t.Errorf("%s: items %q, want %q", tt.stmt, got, tt.want)
			}
		}
	}
}

// asError is errors.As for the SDK's typed exceptions.
func asError[T error](err error, target *T) bool { return errors.As(err, target) }
