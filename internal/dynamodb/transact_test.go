package dynamodb_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// sortedKey is a key of table "sorted".
func sortedKey(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": s(pk), "sk": n(sk)}
}

// get returns an item of table, shown; "nil" when absent.
func get(t testing.TB, e *env, table string, k map[string]types.AttributeValue) string {
	t.Helper()
	g, err := e.db.GetItem(context.Background(), &awsddb.GetItemInput{TableName: aws.String(table), Key: k, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return show(g.Item)
}

// TestTransactWriteItems: a transaction over two tables applies all of
// its operations; a cancelled one applies none and gives a reason per
// operation, with the item only where ReturnValuesOnConditionCheckFailure
// asks for it.
func TestTransactWriteItems(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	tbl, sorted := aws.String("tbl"), aws.String("sorted")
	for _, id := range []string{"upd", "del", "chk"} {
		if _, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item(id, n("1"))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("str", s("x"))}); err != nil {
		t.Fatal(err)
	}
	one := vals(":one", n("1"))
	out, err := e.db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal, TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: sorted, Item: map[string]types.AttributeValue{"pk": s("p"), "sk": n("1"), "v": s("new")},
			ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		{Update: &types.Update{TableName: tbl, Key: key("upd"), UpdateExpression: aws.String("ADD v :one"), ConditionExpression: aws.String("v = :one"),
			ExpressionAttributeValues: one}},
		{Delete: &types.Delete{TableName: tbl, Key: key("del")}},
		{ConditionCheck: &types.ConditionCheck{TableName: tbl, Key: key("chk"), ConditionExpression: aws.String("#v = :one"),
			ExpressionAttributeNames: map[string]string{"#v": "v"}, ExpressionAttributeValues: one}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var caps []string
	for _, c := range out.ConsumedCapacity {
		caps = append(caps, fmt.Sprintf("%s:%g/%g/%g", *c.TableName, *c.CapacityUnits, aws.ToFloat64(c.ReadCapacityUnits), aws.ToFloat64(c.WriteCapacityUnits)))
	}
	// Writes count 2 units each, the condition check 2 read units.
	if got := strings.Join(caps, " "); got != "sorted:2/0/2 tbl:6/2/4" {
		t.Errorf("ConsumedCapacity %s", got)
	}
	for _, c := range []struct{ got, want string }{
		{get(t, e, "sorted", sortedKey("p", "1")), `{pk:S"p" sk:N1 v:S"new"}`},
		{get(t, e, "tbl", key("upd")), `{id:S"upd" v:N2}`},
		{get(t, e, "tbl", key("del")), "nil"},
		{get(t, e, "tbl", key("chk")), `{id:S"chk" v:N1}`},
	} {
		if c.got != c.want {
			t.Errorf("after the transaction: %s, want %s", c.got, c.want)
		}
	}

	// Cancelled: the ConditionCheck and the Put fail; nothing is written.
	_, err = e.db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{TableName: tbl, Key: key("upd"), UpdateExpression: aws.String("ADD v :one"), ExpressionAttributeValues: one}},
		{ConditionCheck: &types.ConditionCheck{TableName: tbl, Key: key("chk"), ConditionExpression: aws.String("v <> :one"),
			ExpressionAttributeValues: one, ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}},
		{Put: &types.Put{TableName: sorted, Item: sortedKey("p", "1"), ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		{Update: &types.Update{TableName: tbl, Key: key("str"), UpdateExpression: aws.String("ADD v :one"), ExpressionAttributeValues: one}},
	}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		t.Fatalf("cancelled transaction: %v", err)
	}
	if want := "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, ConditionalCheckFailed, ValidationError]"; tce.ErrorMessage() != want {
		t.Errorf("message %q", tce.ErrorMessage())
	}
	var reasons []string
	for _, r := range tce.CancellationReasons {
		reasons = append(reasons, fmt.Sprintf("%s|%s|%s", aws.ToString(r.Code), aws.ToString(r.Message), show(r.Item)))
	}
	want := []string{
		"None||nil",
		`ConditionalCheckFailed|The conditional request failed|{id:S"chk" v:N1}`,
		"ConditionalCheckFailed|The conditional request failed|nil",
		"ValidationError|An operand in the update expression has an incorrect data type|nil",
	}
	if strings.Join(reasons, "\n") != strings.Join(want, "\n") {
		t.Errorf("reasons\n%s\nwant\n%s", strings.Join(reasons, "\n"), strings.Join(want, "\n"))
	}
	if got := get(t, e, "tbl", key("upd")); got != `{id:S"upd" v:N2}` {
		t.Errorf("cancelled transaction wrote: %s", got)
	}
	if got := get(t, e, "tbl", key("str")); got != `{id:S"str" v:S"x"}` {
		t.Errorf("cancelled transaction wrote: %s", got)
	}
}

// TestTransactIdempotency: a request repeated with its ClientRequestToken
// succeeds without writing again; another request with the token is
// refused; ten minutes after, the token is new again.
func TestTransactIdempotency(t *testing.T) {
	clock := &stopped{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e := newEnv(t, store.Options{Now: clock.Now, TTLInterval: -1, CompactInterval: -1})
	ctx := context.Background()
	if _, err := e.st.CreateTable(ctx, store.TableConfig{Name: "tbl", Key: store.KeySchema{Partition: store.Attr{Name: "id", Type: store.TypeS}}}); err != nil {
		t.Fatal(err)
	}
	add := func(token, id string) error {
		_, err := e.db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{ClientRequestToken: aws.String(token), TransactItems: []types.TransactWriteItem{
			{Update: &types.Update{TableName: aws.String("tbl"), Key: key(id), UpdateExpression: aws.String("ADD v :one"), ExpressionAttributeValues: vals(":one", n("1"))}},
			{Update: &types.Update{TableName: aws.String("tbl"), Key: key(id + "2"), UpdateExpression: aws.String("ADD v :one"), ExpressionAttributeValues: vals(":one", n("1"))}},
		}})
		return err
	}
	count := func() string { return get(t, e, "tbl", key("a")) }
	for i := range 3 {
		if err := add("tok", "a"); err != nil {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if got := count(); got != `{id:S"a" v:N1}` {
		t.Fatalf("after three attempts with one token: %s", got)
	}
	wantError(t, add("tok", "b"), "IdempotentParameterMismatchException", "The request uses the same client token as a previous, but non-identical request")
	if err := add("other", "a"); err != nil {
		t.Fatal(err)
	}
	clock.Add(9 * time.Minute)
	if err := add("tok", "a"); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != `{id:S"a" v:N2}` {
		t.Fatalf("within ten minutes: %s", got)
	}
	clock.Add(2 * time.Minute)
	if err := add("tok", "a"); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != `{id:S"a" v:N3}` {
		t.Fatalf("after ten minutes: %s", got)
	}
	// A cancelled transaction does not hold its token.
	_, err := e.db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{ClientRequestToken: aws.String("cancel"), TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("tbl"), Item: key("a"), ConditionExpression: aws.String("attribute_not_exists(id)")}}}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		t.Fatalf("cancelled: %v", err)
	}
	if _, err := e.db.DeleteItem(ctx, &awsddb.DeleteItemInput{TableName: aws.String("tbl"), Key: key("a")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{ClientRequestToken: aws.String("cancel"), TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("tbl"), Item: key("a"), ConditionExpression: aws.String("attribute_not_exists(id)")}}}}); err != nil {
		t.Fatalf("retry of a cancelled transaction: %v", err)
	}
}

// TestTransactGetItems: items come back in the order asked, a missing one
// as an empty entry, each with its own projection.
func TestTransactGetItems(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	if _, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String("tbl"), Item: map[string]types.AttributeValue{"id": s("a"), "v": n("1"), "w": n("2")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String("sorted"), Item: map[string]types.AttributeValue{"pk": s("p"), "sk": n("1"), "x": s("y")}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.db.TransactGetItems(ctx, &awsddb.TransactGetItemsInput{ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal, TransactItems: []types.TransactGetItem{
		{Get: &types.Get{TableName: aws.String("sorted"), Key: sortedKey("p", "1")}},
		{Get: &types.Get{TableName: aws.String("tbl"), Key: key("missing")}},
		{Get: &types.Get{TableName: aws.String("tbl"), Key: key("a"), ProjectionExpression: aws.String("#w"), ExpressionAttributeNames: map[string]string{"#w": "w"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range out.Responses {
		got = append(got, show(r.Item))
	}
	if want := `{pk:S"p" sk:N1 x:S"y"} nil {w:N2}`; strings.Join(got, " ") != want {
		t.Errorf("responses %s, want %s", strings.Join(got, " "), want)
	}
	var caps []string
	for _, c := range out.ConsumedCapacity {
		caps = append(caps, fmt.Sprintf("%s:%g", *c.TableName, aws.ToFloat64(c.ReadCapacityUnits)))
	}
	if got := strings.Join(caps, " "); got != "sorted:2 tbl:4" {
		t.Errorf("ConsumedCapacity %s", got)
	}
}
