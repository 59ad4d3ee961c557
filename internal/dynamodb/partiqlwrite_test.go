package dynamodb_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// exec runs one statement.
func exec(e *env, stmt string, params ...types.AttributeValue) (*awsddb.ExecuteStatementOutput, error) {
	return e.db.ExecuteStatement(context.Background(), &awsddb.ExecuteStatementInput{Statement: aws.String(stmt), Parameters: params})
}

// attrString prints an attribute value compactly for comparisons.
func attrString(v types.AttributeValue) string {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return "'" + v.Value + "'"
	case *types.AttributeValueMemberN:
		return v.Value
	case *types.AttributeValueMemberBOOL:
		if v.Value {
			return "true"
		}
		return "false"
	case *types.AttributeValueMemberNULL:
		return "null"
	case *types.AttributeValueMemberL:
		out := "["
		for i, x := range v.Value {
			if i > 0 {
				out += ","
			}
			out += attrString(x)
		}
		return out + "]"
	case *types.AttributeValueMemberSS:
		return "<<" + sortedJoin(v.Value) + ">>"
	case *types.AttributeValueMemberNS:
		return "<<" + sortedJoin(v.Value) + ">>"
	case *types.AttributeValueMemberM:
		return "{" + itemString(v.Value) + "}"
	}
	return "?"
}

// sortedJoin joins a set's members in order: sets have none.
func sortedJoin(ss []string) string {
	ss = append([]string(nil), ss...)
	sortStrings(ss)
	return joinStrings(ss)
}

func joinStrings(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}

// itemString prints an item with its attributes sorted.
func itemString(item map[string]types.AttributeValue) string {
	keys := make([]string, 0, len(item))
	for k := range item {
		keys = append(keys, k)
	}
	sortStrings(keys)
	out := ""
	for i, k := range keys {
		if i > 0 {
			out += " "
		}
		out += k + "=" + attrString(item[k])
	}
	return out
}

func sortStrings(s []string) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

// selectItem reads an item by its key through a SELECT.
func selectItem(t *testing.T, e *env, pk, sk string) string {
	t.Helper()
	out, err := exec(e, `SELECT * FROM tbl WHERE pk = ? AND sk = ?`, s(pk), n(sk))
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Items) == 0 {
		return ""
	}
	return itemString(out.Items[0])
}

// TestExecuteStatementWrite: INSERT, UPDATE and DELETE, one statement
// after another on one table, with RETURNING, conditions and errors;
// each step checks the response and the item as a SELECT then reads it.
func TestExecuteStatementWrite(t *testing.T) {
	e := newEnv(t, store.Options{})
	pqTable(t, e, "")
	steps := []struct {
		stmt     string
		params   []types.AttributeValue
		returned string // the item RETURNING gave, "" for none
		code     string
		msg      string
		after    string // the item c/5 afterwards
	}{
		{stmt: `INSERT INTO tbl VALUE {'pk': 'c', 'sk': 5, 'l': [1, 'two'], 'm': {'k': true}, 'ss': <<'x', 'y'>>, 'z': NULL}`,
			after: "l=[1,'two'] m={k=true} pk='c' sk=5 ss=<<x,y>> z=null"},
		{stmt: `INSERT INTO tbl VALUE {'pk': 'c', 'sk': 5}`, code: "DuplicateItemException", msg: "Duplicate primary key exists in table",
			after: "l=[1,'two'] m={k=true} pk='c' sk=5 ss=<<x,y>> z=null"},
		{stmt: `INSERT INTO tbl VALUE {'pk': 'c'}`, code: "ValidationException", msg: "Key attribute should be present in the item: Key sk",
			after: "l=[1,'two'] m={k=true} pk='c' sk=5 ss=<<x,y>> z=null"},
		{stmt: `UPDATE tbl SET n = 1 WHERE pk = 'c'`, code: "ValidationException", msg: "Where clause does not contain a mandatory equality on all key attributes",
			after: "l=[1,'two'] m={k=true} pk='c' sk=5 ss=<<x,y>> z=null"},
		{stmt: `UPDATE tbl SET n = ? SET l = list_append(l, [3]) REMOVE z WHERE pk = 'c' AND sk = 5 RETURNING MODIFIED NEW *`, params: []types.AttributeValue{n("7")},
			returned: "l=[1,'two',3] n=7",
			after:    "l=[1,'two',3] m={k=true} n=7 pk='c' sk=5 ss=<<x,y>>"},
		{stmt: `UPDATE tbl SET n = n + 1, m.k = false WHERE pk = 'c' AND sk = 5 AND n = 7 RETURNING ALL OLD *`,
			returned: "l=[1,'two',3] m={k=true} n=7 pk='c' sk=5 ss=<<x,y>>",
			after:    "l=[1,'two',3] m={k=false} n=8 pk='c' sk=5 ss=<<x,y>>"},
		{stmt: `UPDATE tbl SET n = 0 WHERE pk = 'c' AND sk = 5 AND n = 7`, code: "ConditionalCheckFailedException", msg: "The conditional request failed",
			after: "l=[1,'two',3] m={k=false} n=8 pk='c' sk=5 ss=<<x,y>>"},
		{stmt: `UPDATE tbl SET n = 0 WHERE pk = 'zz' AND sk = 5`, code: "ConditionalCheckFailedException", msg: "The conditional request failed",
			after: "l=[1,'two',3] m={k=false} n=8 pk='c' sk=5 ss=<<x,y>>"},
		{stmt: `UPDATE tbl SET sk = 6 WHERE pk = 'c' AND sk = 5`, code: "ValidationException",
			msg:   "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key",
			after: "l=[1,'two',3] m={k=false} n=8 pk='c' sk=5 ss=<<x,y>>"},
		{stmt: `UPDATE tbl SET ss = set_add(ss, <<'w'>>) SET ss = set_delete(ss, <<'x'>>) WHERE pk = 'c' AND sk = 5`,
			code: "ValidationException", msg: "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [ss], path two: [ss]",
			after: "l=[1,'two',3] m={k=false} n=8 pk='c' sk=5 ss=<<x,y>>"},
		{stmt: `UPDATE tbl SET ss = set_add(ss, <<'w'>>) WHERE pk = 'c' AND sk = 5 RETURNING ALL NEW *`,
			returned: "l=[1,'two',3] m={k=false} n=8 pk='c' sk=5 ss=<<w,x,y>>",
			after:    "l=[1,'two',3] m={k=false} n=8 pk='c' sk=5 ss=<<w,x,y>>"},
		{stmt: `UPDATE tbl SET ss = set_delete(ss, <<'w', 'y'>>) WHERE pk = 'c' AND sk = 5`,
			after: "l=[1,'two',3] m={k=false} n=8 pk='c' sk=5 ss=<<x>>"},
		{stmt: `UPDATE tbl SET ss = set_add(l, <<'w'>>) WHERE pk = 'c' AND sk = 5`,
			code: "ValidationException", msg: "The first argument to SET_ADD must equal the assignment value",
			after: "l=[1,'two',3] m={k=false} n=8 pk='c' sk=5 ss=<<x>>"},
		{stmt: `UPDATE tbl REMOVE l, ss WHERE pk = 'c' AND sk = 5 RETURNING MODIFIED OLD *`,
			returned: "l=[1,'two',3] ss=<<x>>",
			after:    "m={k=false} n=8 pk='c' sk=5"},
		{stmt: `DELETE FROM tbl WHERE pk = 'c' AND sk = 5 AND n > 100`, code: "ConditionalCheckFailedException", msg: "The conditional request failed",
			after: "m={k=false} n=8 pk='c' sk=5"},
		{stmt: `DELETE FROM tbl WHERE pk = 'c' AND sk = 5 RETURNING ALL NEW *`, code: "ValidationException",
			msg:   "Invalid returning clause: RETURNING ALL_NEW. Only RETURNING ALL OLD * is allowed in DELETE statements.",
			after: "m={k=false} n=8 pk='c' sk=5"},
		{stmt: `DELETE FROM tbl WHERE pk = 'c' AND sk = 5 RETURNING ALL OLD *`, returned: "m={k=false} n=8 pk='c' sk=5"},
		{stmt: `DELETE FROM tbl WHERE pk = 'c' AND sk = 5`},
		{stmt: `INSERT INTO tbl VALUE {'pk': 'c', 'sk': 5} RETURNING ALL OLD *`, code: "ValidationException", msg: "RETURNING is not supported in INSERT"},
		{stmt: `INSERT INTO tbl VALUE {'pk': 'c', 'sk': 'five'}`, code: "ValidationException", msg: "Key attribute's data type should match its data type in table's schema: Key sk"},
	}
	for _, st := range steps {
		out, err := exec(e, st.stmt, st.params...)
		code, msg := apiError(t, err)
		if code != st.code || msg != st.msg {
			t.Fatalf("%s: error %q %q, want %q %q", st.stmt, code, msg, st.code, st.msg)
		}
		if err == nil {
			got := ""
			if len(out.Items) > 1 {
				t.Fatalf("%s: %d items", st.stmt, len(out.Items))
			}
			if len(out.Items) == 1 {
				got = itemString(out.Items[0])
			}
			if got != st.returned {
				t.Errorf("%s: returned %q, want %q", st.stmt, got, st.returned)
			}
		}
		if got := selectItem(t, e, "c", "5"); got != st.after {
			t.Fatalf("after %s: item %q, want %q", st.stmt, got, st.after)
		}
	}
}

// TestExecuteStatementConditionItem: ReturnValuesOnConditionCheckFailure
// ALL_OLD puts the item in the ConditionalCheckFailedException.
func TestExecuteStatementConditionItem(t *testing.T) {
	e := newEnv(t, store.Options{})
	pqTable(t, e, "")
	_, err := e.db.ExecuteStatement(context.Background(), &awsddb.ExecuteStatementInput{
		Statement:                           aws.String(`UPDATE tbl SET n = 0 WHERE pk = 'a' AND sk = 1 AND n = 99`),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var ccf *types.ConditionalCheckFailedException
	if !asError(err, &ccf) {
		t.Fatalf("error %v", err)
	}
	if got := itemString(ccf.Item); got != "n=10 pk='a' sk=1 tag='x'" {
		t.Fatalf("item %q", got)
	}
}

// TestExecuteStatementPaging: Limit cuts pages, NextToken continues
// them (across the partitions of an IN), and a token of another statement
// is refused.
func TestExecuteStatementPaging(t *testing.T) {
	e := newEnv(t, store.Options{})
	pqTable(t, e, "")
	for _, tt := range []struct {
		stmt  string
		limit int32
		want  []string // keys of each page
	}{
		{`SELECT * FROM tbl`, 4, []string{"a1 a2 a3 b1", "b2 b3"}},
		{`SELECT * FROM tbl WHERE pk IN ['b', 'a']`, 2, []string{"b1 b2", "b3 a1", "a2 a3", ""}},
		{`SELECT * FROM tbl WHERE pk = 'a' AND sk >= 2 ORDER BY sk DESC`, 1, []string{"a3", "a2", ""}},
		{`SELECT * FROM tbl WHERE n >= 30`, 3, []string{"a3", "b3", ""}},
	} {
		var pages []string
		var token *string
		for range 10 {
			out, err := e.db.ExecuteStatement(context.Background(), &awsddb.ExecuteStatementInput{Statement: aws.String(tt.stmt), Limit: aws.Int32(tt.limit), NextToken: token})
			if err != nil {
				t.Fatalf("%s: %v", tt.stmt, err)
			}
			pages = append(pages, keysOf(out.Items))
			if out.NextToken == nil {
				break
			}
			token = out.NextToken
		}
		if len(pages) != len(tt.want) {
			t.Errorf("%s: pages %q, want %q", tt.stmt, pages, tt.want)
			continue
		}
		for i := range pages {
			if pages[i] != tt.want[i] {
				t.Errorf("%s: pages %q, want %q", tt.stmt, pages, tt.want)
				break
			}
		}
	}
	out, err := e.db.ExecuteStatement(context.Background(), &awsddb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM tbl`), Limit: aws.Int32(1)})
	if err != nil || out.NextToken == nil || out.LastEvaluatedKey == nil {
		t.Fatalf("first page: %v %+v", err, out)
	}
	_, err = e.db.ExecuteStatement(context.Background(), &awsddb.ExecuteStatementInput{Statement: aws.String(`SELECT pk FROM tbl`), NextToken: out.NextToken})
	if code, msg := apiError(t, err); code != "ValidationException" || msg != "NextToken does not match request" {
		t.Fatalf("another statement's token: %q %q", code, msg)
	}
	_, err = e.db.ExecuteStatement(context.Background(), &awsddb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM tbl`), NextToken: aws.String("!!")})
	if code, msg := apiError(t, err); code != "ValidationException" || msg != "Invalid NextToken" {
		t.Fatalf("a bad token: %q %q", code, msg)
	}
}

// TestBatchExecuteStatement: a batch's statements succeed or fail one by
// one, each with its table and error code; reads and writes do not mix.
func TestBatchExecuteStatement(t *testing.T) {
	e := newEnv(t, store.Options{})
	pqTable(t, e, "")
	ctx := context.Background()
	stmts := []types.BatchStatementRequest{
		{Statement: aws.String(`INSERT INTO tbl VALUE {'pk': 'd', 'sk': 1}`)},
		{Statement: aws.String(`INSERT INTO tbl VALUE {'pk': 'a', 'sk': 1}`)},
		{Statement: aws.String(`UPDATE tbl SET n = 1 WHERE pk = 'a' AND sk = 1 AND n = 0`)},
		{Statement: aws.String(`DELETE FROM nope WHERE pk = 'a' AND sk = 1`)},
		{Statement: aws.String(`UPDATE tbl SET n = ? WHERE pk = 'b' AND sk = 2`)},
		{Statement: aws.String(`UPDATE tbl SET n = ? WHERE pk = 'b' AND sk = 2`), Parameters: []types.AttributeValue{n("5")}},
	}
	out, err := e.db.BatchExecuteStatement(ctx, &awsddb.BatchExecuteStatementInput{Statements: stmts})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"tbl ", "tbl DuplicateItem", "tbl ConditionalCheckFailed", "nope ResourceNotFound", "tbl ValidationError", "tbl "}
	for i, r := range out.Responses {
		got := aws.ToString(r.TableName) + " "
		if r.Error != nil {
			got += string(r.Error.Code)
		}
		if i >= len(want) || got != want[i] {
			t.Errorf("response %d: %q (%v), want %q", i, got, r.Error, want[i])
		}
	}
	if len(out.Responses) != len(want) {
		t.Fatalf("%d responses", len(out.Responses))
	}
	if m := aws.ToString(out.Responses[4].Error.Message); m != "Number of parameters in request and statement don't match." {
		t.Errorf("message %q", m)
	}
	if got := selectItem(t, e, "b", "2"); got != "n=5 pk='b' sk=2" {
		t.Errorf("b2 is %q", got)
	}
	if selectItem(t, e, "d", "1") == "" {
		t.Error("d1 was not inserted")
	}

	reads, err := e.db.BatchExecuteStatement(ctx, &awsddb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{
		{Statement: aws.String(`SELECT pk, n FROM tbl WHERE pk = 'a' AND sk = 3`)},
		{Statement: aws.String(`SELECT * FROM tbl WHERE pk = 'zz' AND sk = 3`)},
		{Statement: aws.String(`SELECT * FROM tbl WHERE pk = 'a'`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := itemString(reads.Responses[0].Item); got != "n=30 pk='a'" {
		t.Errorf("read 0: %q", got)
	}
	if reads.Responses[1].Item != nil || reads.Responses[1].Error != nil {
		t.Errorf("read 1: %+v", reads.Responses[1])
	}
	if e := reads.Responses[2].Error; e == nil || e.Code != "ValidationError" || aws.ToString(e.Message) != "Where clause does not contain a mandatory equality on all key attributes" {
		t.Errorf("read 2: %+v", reads.Responses[2].Error)
	}

	_, err = e.db.BatchExecuteStatement(ctx, &awsddb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{
		{Statement: aws.String(`SELECT * FROM tbl WHERE pk = 'a' AND sk = 3`)},
		{Statement: aws.String(`DELETE FROM tbl WHERE pk = 'a' AND sk = 3`)},
	}})
	if code, _ := apiError(t, err); code != "ValidationException" {
		t.Errorf("mixed batch: %v", err)
	}
	many := make([]types.BatchStatementRequest, 26)
	for i := range many {
		many[i] = stmts[0]
	}
	_, err = e.db.BatchExecuteStatement(ctx, &awsddb.BatchExecuteStatementInput{Statements: many})
	if code, _ := apiError(t, err); code != "ValidationException" {
		t.Errorf("26 statements: %v", err)
	}
}

// TestExecuteTransaction: writes are all or nothing, with a reason per
// statement; reads return an item (or none) per statement.
func TestExecuteTransaction(t *testing.T) {
	e := newEnv(t, store.Options{})
	pqTable(t, e, "")
	ctx := context.Background()
	ps := func(ss ...string) []types.ParameterizedStatement {
		out := make([]types.ParameterizedStatement, len(ss))
		for i, s := range ss {
			out[i] = types.ParameterizedStatement{Statement: aws.String(s)}
		}
		return out
	}
	_, err := e.db.ExecuteTransaction(ctx, &awsddb.ExecuteTransactionInput{TransactStatements: ps(
		`INSERT INTO tbl VALUE {'pk': 'e', 'sk': 1}`,
		`UPDATE tbl SET n = 0 WHERE pk = 'a' AND sk = 1 AND n = 99`,
		`INSERT INTO tbl VALUE {'pk': 'b', 'sk': 1}`,
		`DELETE FROM tbl WHERE pk = 'a' AND sk = 2`,
	)})
	var tce *types.TransactionCanceledException
	if !asError(err, &tce) {
		t.Fatalf("error %v", err)
	}
	var codes []string
	for _, r := range tce.CancellationReasons {
		codes = append(codes, aws.ToString(r.Code))
	}
	if got := joinStrings(codes); got != "None,ConditionalCheckFailed,DuplicateItem,None" {
		t.Errorf("reasons %q", got)
	}
	if m := aws.ToString(tce.Message); m != "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, DuplicateItem, None]" {
		t.Errorf("message %q", m)
	}
	if selectItem(t, e, "e", "1") != "" || selectItem(t, e, "a", "2") == "" {
		t.Fatal("a cancelled transaction wrote")
	}

	if _, err := e.db.ExecuteTransaction(ctx, &awsddb.ExecuteTransactionInput{TransactStatements: ps(
		`INSERT INTO tbl VALUE {'pk': 'e', 'sk': 1}`,
		`UPDATE tbl SET n = n + 5 WHERE pk = 'a' AND sk = 1 AND n = 10`,
		`DELETE FROM tbl WHERE pk = 'a' AND sk = 2`,
	)}); err != nil {
		t.Fatal(err)
	}
	if selectItem(t, e, "e", "1") == "" || selectItem(t, e, "a", "2") != "" || selectItem(t, e, "a", "1") != "n=15 pk='a' sk=1 tag='x'" {
		t.Fatal("a committed transaction did not write all")
	}

	// EXISTS is a condition check: false cancels, true lets the rest be.
	_, err = e.db.ExecuteTransaction(ctx, &awsddb.ExecuteTransactionInput{TransactStatements: ps(
		`EXISTS(SELECT * FROM tbl WHERE pk = 'a' AND sk = 1 AND n = 99)`,
		`INSERT INTO tbl VALUE {'pk': 'f', 'sk': 1}`,
	)})
	if !asError(err, &tce) || len(tce.CancellationReasons) != 2 || aws.ToString(tce.CancellationReasons[0].Code) != "ConditionalCheckFailed" {
		t.Fatalf("a false EXISTS: %v", err)
	}
	if _, err := e.db.ExecuteTransaction(ctx, &awsddb.ExecuteTransactionInput{TransactStatements: ps(
		`EXISTS(SELECT * FROM tbl WHERE pk = 'a' AND sk = 1 AND n = 15)`,
		`INSERT INTO tbl VALUE {'pk': 'f', 'sk': 1}`,
	)}); err != nil {
		t.Fatalf("a true EXISTS: %v", err)
	}
	if selectItem(t, e, "f", "1") == "" {
		t.Fatal("the transaction with a true EXISTS did not write")
	}

	out, err := e.db.ExecuteTransaction(ctx, &awsddb.ExecuteTransactionInput{TransactStatements: ps(
		`SELECT n FROM tbl WHERE pk = 'a' AND sk = 1`,
		`SELECT * FROM tbl WHERE pk = 'a' AND sk = 2`,
	)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Responses) != 2 || itemString(out.Responses[0].Item) != "n=15" || out.Responses[1].Item != nil {
		t.Fatalf("responses %+v", out.Responses)
	}

	for _, tt := range []struct {
		stmts []string
		msg   string
	}{
		{[]string{`SELECT * FROM tbl WHERE pk = 'a' AND sk = 1`, `DELETE FROM tbl WHERE pk = 'a' AND sk = 1`},
			"ExecuteTransaction API does not support both read and write operations in the same request."},
		{[]string{`SELECT * FROM tbl WHERE pk = 'a'`},
			"Select statements within ExecuteTransaction must specify the primary key in the where clause."},
		{[]string{`EXISTS(SELECT * FROM tbl WHERE pk = 'a' AND sk = 1)`},
			"EXISTS() must contain a single item read with additional condition"},
	} {
		_, err := e.db.ExecuteTransaction(ctx, &awsddb.ExecuteTransactionInput{TransactStatements: ps(tt.stmts...)})
		if code, msg := apiError(t, err); code != "ValidationException" || msg != tt.msg {
			t.Errorf("%q: %q %q", tt.stmts, code, msg)
		}
	}
}

// TestPartiQLStream: PartiQL's writes are logged like any other, so a
// table's stream has their records (LocalStack's PartiQL makes none).
func TestPartiQLStream(t *testing.T) {
	e := newEnv(t, store.Options{})
	pqTable(t, e, store.ViewNewAndOldImages)
	ctx := context.Background()
	tip, err := e.st.StreamTip("tbl")
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO tbl VALUE {'pk': 's', 'sk': 1, 'v': 'one'}`,
		`UPDATE tbl SET v = 'two' WHERE pk = 's' AND sk = 1`,
		`DELETE FROM tbl WHERE pk = 's' AND sk = 1`,
	} {
		if _, err := exec(e, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.db.ExecuteTransaction(ctx, &awsddb.ExecuteTransactionInput{TransactStatements: []types.ParameterizedStatement{
		{Statement: aws.String(`INSERT INTO tbl VALUE {'pk': 's', 'sk': 2}`)}}}); err != nil {
		t.Fatal(err)
	}
	read, err := e.st.ReadStream(ctx, "tbl", tip, 10, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var events []string
	for _, r := range read.Records {
		events = append(events, r.Event)
	}
	if got := joinStrings(events); got != "INSERT,MODIFY,REMOVE,INSERT" {
		t.Fatalf("events %q", got)
	}
	if string(read.Records[1].Old) != `{"pk":{"S":"s"},"sk":{"N":"1"},"v":{"S":"one"}}` {
		t.Errorf("MODIFY's old image %s", read.Records[1].Old)
	}
}

// TestPartiQLGrants: a statement is authorized as its PartiQL action on
// its table, each statement of a batch on its own.
func TestPartiQLGrants(t *testing.T) {
	e := newEnv(t, store.Options{})
	pqTable(t, e, "")
	if _, err := exec(e, `UPDATE "tbl" SET n = 1 WHERE pk = 'a' AND sk = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.BatchExecuteStatement(context.Background(), &awsddb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{
		{Statement: aws.String(`SELECT * FROM tbl WHERE pk = 'a' AND sk = 1`)},
		{Statement: aws.String(`SELECT * FROM other WHERE pk = 'a' AND sk = 1`)},
	}}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range e.requests() {
		if r.Operation == "ExecuteStatement" || r.Operation == "BatchExecuteStatement" {
			got = append(got, r.Action+" "+joinStrings(r.Resources))
		}
	}
	// The table's six INSERTs come first.
	got = got[6:]
	want := []string{
		"dynamodb:PartiQLUpdate arn:aws:dynamodb:us-east-1:000000000000:table/tbl",
		"dynamodb:PartiQLSelect arn:aws:dynamodb:us-east-1:000000000000:table/tbl",
		"dynamodb:PartiQLSelect arn:aws:dynamodb:us-east-1:000000000000:table/other",
	}
	if joinStrings(got) != joinStrings(want) {
		t.Fatalf("authorizations\n%q\nwant\n%q", got, want)
	}
}
