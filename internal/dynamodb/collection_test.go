package dynamodb_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// collectionTables creates the tables of the item collection tests:
// withLocal, with a local index byL on lsk, and plain, without one; both
// keyed on pk and sk, strings.
func collectionTables(t *testing.T, e *env) {
	t.Helper()
	for _, name := range []string{"withLocal", "plain"} {
		in := &awsddb.CreateTableInput{
			TableName:            aws.String(name),
			KeySchema:            keys("pk", "sk"),
			AttributeDefinitions: defs("pk", "S", "sk", "S"),
			BillingMode:          types.BillingModePayPerRequest,
		}
		if name == "withLocal" {
			in.AttributeDefinitions = defs("pk", "S", "sk", "S", "lsk", "S")
			in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{{
				IndexName: aws.String("byL"), KeySchema: keys("pk", "lsk"),
				Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
			}}
		}
		need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(context.Background(), in))
	}
}

// TestItemCollectionMetrics: writes to a table with a local index report
// their item collection with ReturnItemCollectionMetrics SIZE, as
// DynamoDB does; a table without one, or NONE, reports nothing.
func TestItemCollectionMetrics(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	collectionTables(t, e)
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	key := map[string]types.AttributeValue{"pk": s("p1"), "sk": s("a")}
	full := map[string]types.AttributeValue{"pk": s("p1"), "sk": s("a"), "lsk": s("l"), "data": s("hello")}
	size := types.ReturnItemCollectionMetricsSize
	tests := []struct {
		name  string
		write func(table string, m types.ReturnItemCollectionMetrics) (*types.ItemCollectionMetrics, error)
	}{
		{"PutItem", func(table string, m types.ReturnItemCollectionMetrics) (*types.ItemCollectionMetrics, error) {
			out, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: &table, Item: full, ReturnItemCollectionMetrics: m})
			if err != nil {
				return nil, err
			}
			return out.ItemCollectionMetrics, nil
		}},
		{"UpdateItem", func(table string, m types.ReturnItemCollectionMetrics) (*types.ItemCollectionMetrics, error) {
			out, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: &table, Key: key, ReturnItemCollectionMetrics: m,
				UpdateExpression: aws.String("SET #d = :v"), ExpressionAttributeNames: map[string]string{"#d": "data"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":v": s("updated")}})
			if err != nil {
				return nil, err
			}
			return out.ItemCollectionMetrics, nil
		}},
		{"DeleteItem", func(table string, m types.ReturnItemCollectionMetrics) (*types.ItemCollectionMetrics, error) {
			out, err := e.db.DeleteItem(ctx, &awsddb.DeleteItemInput{TableName: &table, Key: key, ReturnItemCollectionMetrics: m})
			if err != nil {
				return nil, err
			}
			return out.ItemCollectionMetrics, nil
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.write("withLocal", size)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Fatal("no ItemCollectionMetrics for a table with a local index")
			}
			if pk, ok := got.ItemCollectionKey["pk"].(*types.AttributeValueMemberS); !ok || pk.Value != "p1" || len(got.ItemCollectionKey) != 1 {
				t.Errorf("ItemCollectionKey %#v, want {pk: p1}", got.ItemCollectionKey)
			}
			if r := got.SizeEstimateRangeGB; len(r) != 2 || r[0] != 0 || r[1] != 1 {
				t.Errorf("SizeEstimateRangeGB %v, want [0 1]", r)
			}
			for _, c := range []struct {
				table string
				m     types.ReturnItemCollectionMetrics
			}{{"withLocal", types.ReturnItemCollectionMetricsNone}, {"withLocal", ""}, {"plain", size}} {
				if got, err := tc.write(c.table, c.m); err != nil || got != nil {
					t.Errorf("%s with %q: metrics %+v, err %v; want none", c.table, c.m, got, err)
				}
			}
		})
	}
}
