package dynamodb_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// itemsEnv is an endpoint with table "tbl" (partition key id, S) and table
// "sorted" (partition key pk, S; sort key sk, N), both with streams.
func itemsEnv(t testing.TB) *env {
	t.Helper()
	e := newEnv(t, store.Options{TTLInterval: -1, CompactInterval: -1})
	ctx := context.Background()
	for _, c := range []store.TableConfig{
		{Name: "tbl", Key: store.KeySchema{Partition: store.Attr{Name: "id", Type: store.TypeS}}, StreamView: store.ViewNewAndOldImages},
		{Name: "sorted", Key: store.KeySchema{Partition: store.Attr{Name: "pk", Type: store.TypeS}, Sort: store.Attr{Name: "sk", Type: store.TypeN}},
			StreamView: store.ViewNewAndOldImages},
	} {
		if _, err := e.st.CreateTable(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// Attribute value shorthands.
func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

// key is the key of item id in table "tbl".
func key(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"id": s(id)}
}

// apiError returns err's code and message, failing when it is not an API
// error.
func apiError(t testing.TB, err error) (string, string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an API error", err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

// wantError fails unless err is the API error code with message msg.
func wantError(t testing.TB, err error, code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s: %s", code, msg)
	}
	c, m := apiError(t, err)
	if c != code || m != msg {
		t.Fatalf("error %s: %q\nwant  %s: %q", c, m, code, msg)
	}
}

// TestItemSmoke: an item written is read back, updated and removed.
func TestItemSmoke(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	if _, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String("tbl"), Item: map[string]types.AttributeValue{"id": s("a"), "v": n("1")}}); err != nil {
		t.Fatal(err)
	}
	u, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: aws.String("tbl"), Key: key("a"), UpdateExpression: aws.String("ADD v :one"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": n("1")}, ReturnValues: types.ReturnValueUpdatedNew})
	if err != nil {
		t.Fatal(err)
	}
	if v := u.Attributes["v"].(*types.AttributeValueMemberN).Value; v != "2" || len(u.Attributes) != 1 {
		t.Fatalf("UPDATED_NEW %v", u.Attributes)
	}
	g, err := e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: aws.String("tbl"), Key: key("a")})
	if err != nil || len(g.Item) != 2 {
		t.Fatalf("GetItem %v %v", g, err)
	}
	d, err := e.db.DeleteItem(ctx, &awsddb.DeleteItemInput{TableName: aws.String("tbl"), Key: key("a"), ReturnValues: types.ReturnValueAllOld})
	if err != nil || len(d.Attributes) != 2 {
		t.Fatalf("DeleteItem %v %v", d, err)
	}
}
