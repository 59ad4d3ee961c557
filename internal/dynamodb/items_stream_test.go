package dynamodb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// streamEvents are the events of a table's stream so far, with their
// keys: "INSERT {"id":{"S":"a"}}".
func streamEvents(t *testing.T, e *env, table string) []string {
	t.Helper()
	var out []string
	var after uint64
	for {
		r, err := e.st.ReadStream(context.Background(), table, after, 1000, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range r.Records {
			out = append(out, rec.Event+" "+string(rec.Keys))
		}
		if r.Next == after {
			return out
		}
		after = r.Next
	}
}

// TestStreamNoChange: writes through the API that change nothing (the
// same item put again, an update to the same values, removing an absent
// item, a condition check) make no stream record.
func TestStreamNoChange(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	tbl := aws.String("tbl")
	m := func() types.AttributeValue {
		return &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"p": n("1"), "q": s("x"), "r": n("1.50")}}
	}
	writes := []func() error{
		func() error {
			_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", m())})
			return err
		},
		func() error {
			_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", m())})
			return err
		},
		func() error {
			_, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: tbl, Key: key("a"), UpdateExpression: aws.String("SET v.r = :r REMOVE nope"),
				ExpressionAttributeValues: vals(":r", n("1.5"))})
			return err
		},
		func() error {
			_, err := e.db.DeleteItem(ctx, &awsddb.DeleteItemInput{TableName: tbl, Key: key("absent")})
			return err
		},
		func() error {
			_, err := e.db.BatchWriteItem(ctx, &awsddb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"tbl": {
				{PutRequest: &types.PutRequest{Item: item("a", m())}}, {DeleteRequest: &types.DeleteRequest{Key: key("absent")}}}}})
			return err
		},
		func() error {
			_, err := e.db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
				{ConditionCheck: &types.ConditionCheck{TableName: tbl, Key: key("a"), ConditionExpression: aws.String("attribute_exists(id)")}},
				{Put: &types.Put{TableName: tbl, Item: item("b", n("1"))}},
			}})
			return err
		},
	}
	for i, w := range writes {
		if err := w(); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	got := strings.Join(streamEvents(t, e, "tbl"), "\n")
	want := `INSERT {"id":{"S":"a"}}` + "\n" + `INSERT {"id":{"S":"b"}}`
	if got != want {
		t.Fatalf("stream\n%s\nwant\n%s", got, want)
	}
}
