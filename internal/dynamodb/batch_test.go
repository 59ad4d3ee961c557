package dynamodb_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestBatchWriteGet: BatchWriteItem puts and deletes over two tables,
// leaving nothing unprocessed; BatchGetItem reads them back per table,
// with each table's projection, missing keys left out.
func TestBatchWriteGet(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	if _, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String("tbl"), Item: item("gone", n("0"))}); err != nil {
		t.Fatal(err)
	}
	var reqs []types.WriteRequest
	for i := range 20 {
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item(fmt.Sprint("i", i), n(fmt.Sprint(i)))}})
	}
	reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key("gone")}})
	w, err := e.db.BatchWriteItem(ctx, &awsddb.BatchWriteItemInput{ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
		RequestItems: map[string][]types.WriteRequest{
			"tbl":    reqs,
			"sorted": {{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": s("p"), "sk": n("1"), "x": s("y")}}}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.UnprocessedItems) != 0 {
		t.Errorf("unprocessed %v", w.UnprocessedItems)
	}
	var caps []string
	for _, c := range w.ConsumedCapacity {
		caps = append(caps, fmt.Sprintf("%s:%g", *c.TableName, *c.CapacityUnits))
	}
	if got := strings.Join(caps, " "); got != "sorted:1 tbl:21" {
		t.Errorf("ConsumedCapacity %s", got)
	}
	keys := []map[string]types.AttributeValue{key("i3"), key("gone"), key("i19"), key("never")}
	g, err := e.db.BatchGetItem(ctx, &awsddb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		"tbl":    {Keys: keys, ProjectionExpression: aws.String("#v"), ExpressionAttributeNames: map[string]string{"#v": "v"}, ConsistentRead: aws.Bool(true)},
		"sorted": {Keys: []map[string]types.AttributeValue{sortedKey("p", "1")}, AttributesToGet: []string{"x"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range g.Responses["tbl"] {
		got = append(got, show(it))
	}
	slices.Sort(got)
	if want := "{v:N19} {v:N3}"; strings.Join(got, " ") != want {
		t.Errorf("tbl responses %s, want %s", strings.Join(got, " "), want)
	}
	if len(g.Responses["sorted"]) != 1 || show(g.Responses["sorted"][0]) != `{x:S"y"}` {
		t.Errorf("sorted responses %v", g.Responses["sorted"])
	}
	if len(g.UnprocessedKeys) != 0 {
		t.Errorf("unprocessed %v", g.UnprocessedKeys)
	}
}

// TestBatchGetItemUnprocessed: a response past 16 MB is cut, the keys
// left come back as UnprocessedKeys with the table's parameters, and
// asking for them reads the rest.
func TestBatchGetItemUnprocessed(t *testing.T) {
	if testing.Short() || raceEnabled {
		// 20 MB through instrumented JSON code takes half a minute under
		// the race detector; the normal run covers it.
		t.Skip("moves 20 MB")
	}
	e := itemsEnv(t)
	ctx := context.Background()
	big := strings.Repeat("x", 390<<10)
	var keys []map[string]types.AttributeValue
	for i := range 50 {
		id := fmt.Sprint("k", i)
		// Seeded through the store: the SDK's part here is the reading.
		if _, err := e.st.Put(ctx, "tbl", []byte(`{"id":{"S":"`+id+`"},"v":{"S":"`+big+`"}}`), nil); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key(id))
	}
	req := map[string]types.KeysAndAttributes{"tbl": {Keys: keys, ConsistentRead: aws.Bool(true)}}
	seen := map[string]bool{}
	for round := 0; len(req) > 0; round++ {
		if round == 5 {
			t.Fatal("keys still unprocessed after 5 rounds")
		}
		out, err := e.db.BatchGetItem(ctx, &awsddb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			t.Fatal(err)
		}
		size := 0
		for _, it := range out.Responses["tbl"] {
			id := it["id"].(*types.AttributeValueMemberS).Value
			if seen[id] {
				t.Fatalf("%s read twice", id)
			}
			seen[id] = true
			size += len(id) + 2 + len(big) + 1
		}
		if size > 16<<20 {
			t.Errorf("round %d: %d bytes of items", round, size)
		}
		if round == 0 && len(out.UnprocessedKeys) == 0 {
			t.Fatal("20 MB of items in one response")
		}
		if u, ok := out.UnprocessedKeys["tbl"]; ok && !aws.ToBool(u.ConsistentRead) {
			t.Error("UnprocessedKeys lost ConsistentRead")
		}
		req = out.UnprocessedKeys
	}
	if len(seen) != 50 {
		t.Errorf("%d of 50 items read", len(seen))
	}
}

// TestCapacity: ReturnConsumedCapacity counts a write unit per KB of the
// larger of the old and new item, a read unit per 4 KB (half for an
// eventually consistent read).
func TestCapacity(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	tbl := aws.String("tbl")
	kb := func(k int) types.AttributeValue { return s(strings.Repeat("x", k<<10)) }
	units := func(c *types.ConsumedCapacity) string {
		return fmt.Sprintf("%g r%g w%g", *c.CapacityUnits, aws.ToFloat64(c.ReadCapacityUnits), aws.ToFloat64(c.WriteCapacityUnits))
	}
	total := types.ReturnConsumedCapacityTotal
	steps := []struct {
		name string
		call func() (*types.ConsumedCapacity, error)
		want string
	}{
		{"put 5 KB", func() (*types.ConsumedCapacity, error) {
			out, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", kb(5)), ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, "6 r0 w6"},
		{"put small over 5 KB", func() (*types.ConsumedCapacity, error) {
			out, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", n("1")), ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, "6 r0 w6"},
		{"update to 9 KB", func() (*types.ConsumedCapacity, error) {
			out, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: tbl, Key: key("a"), UpdateExpression: aws.String("SET w = :w"),
				ExpressionAttributeValues: vals(":w", kb(9)), ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, "10 r0 w10"},
		{"get consistent", func() (*types.ConsumedCapacity, error) {
			out, err := e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: tbl, Key: key("a"), ConsistentRead: aws.Bool(true), ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, "3 r3 w0"},
		{"get eventually consistent", func() (*types.ConsumedCapacity, error) {
			out, err := e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: tbl, Key: key("a"), ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, "1.5 r1.5 w0"},
		{"get absent", func() (*types.ConsumedCapacity, error) {
			out, err := e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: tbl, Key: key("none"), ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, "0.5 r0.5 w0"},
		{"delete", func() (*types.ConsumedCapacity, error) {
			out, err := e.db.DeleteItem(ctx, &awsddb.DeleteItemInput{TableName: tbl, Key: key("a"), ReturnConsumedCapacity: total})
			return out.ConsumedCapacity, err
		}, "10 r0 w10"},
	}
	for _, st := range steps {
		c, err := st.call()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if c == nil || aws.ToString(c.TableName) != "tbl" || units(c) != st.want {
			t.Errorf("%s: %+v, want %s", st.name, c, st.want)
		}
	}
	out, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", n("1"))})
	if err != nil || out.ConsumedCapacity != nil {
		t.Errorf("capacity not asked for: %+v %v", out.ConsumedCapacity, err)
	}
}

// TestBatchWriteItemLarge: a BatchWriteItem of 25 items of 120 KB (a
// 3 MB request, past the 2 MB the other JSON APIs take and under
// DynamoDB's 16 MB) is read whole and written.
func TestBatchWriteItemLarge(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	var reqs []types.WriteRequest
	for i := range 25 {
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
			"id": s(fmt.Sprint("big", i)), "blob": s(strings.Repeat("b", 120<<10))}}}) // 3 MB in all: past the 2 MB other APIs' bodies stop at
	}
	w, err := e.db.BatchWriteItem(ctx, &awsddb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"tbl": reqs}})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.UnprocessedItems) != 0 {
		t.Errorf("unprocessed %d tables", len(w.UnprocessedItems))
	}
	for i := range 25 {
		g, err := e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: aws.String("tbl"), Key: key(fmt.Sprint("big", i)), ProjectionExpression: aws.String("id")})
		if err != nil || len(g.Item) != 1 {
			t.Fatalf("big%d: %v %v", i, g, err)
		}
	}
}
