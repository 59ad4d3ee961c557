package dynamodb_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// av is a string attribute value.
func av(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// ckey is the key of item sk of partition pk of the collection tests.
func ckey(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": av(pk), "sk": av(sk)}
}

// citem is an item of the collection tests, in the local index (it has
// lsk), with data.
func citem(pk, sk, data string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": av(pk), "sk": av(sk), "lsk": av("l"), "data": av(data)}
}

// collectionKeys checks that each of ms is a [0, 1] GB collection of key
// pk alone, and returns the pk values, sorted.
func collectionKeys(t *testing.T, ms []types.ItemCollectionMetrics) []string {
	t.Helper()
	var out []string
	for _, m := range ms {
		pk, ok := m.ItemCollectionKey["pk"].(*types.AttributeValueMemberS)
		if !ok || len(m.ItemCollectionKey) != 1 {
			t.Fatalf("ItemCollectionKey %#v, want {pk}", m.ItemCollectionKey)
		}
		if r := m.SizeEstimateRangeGB; len(r) != 2 || r[0] != 0 || r[1] != 1 {
			t.Errorf("%s: SizeEstimateRangeGB %v, want [0 1]", pk.Value, r)
		}
		out = append(out, pk.Value)
	}
	slices.Sort(out)
	return out
}

// metricsSummary is ItemCollectionMetrics by table as "table:pk,pk;…",
// tables sorted.
func metricsSummary(t *testing.T, m map[string][]types.ItemCollectionMetrics) string {
	t.Helper()
	var parts []string
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}) {
		parts = append(parts, name+":"+strings.Join(collectionKeys(t, m[name]), ","))
	}
	return strings.Join(parts, ";")
}

// TestBatchWriteItemCollectionMetrics: BatchWriteItem with
// ReturnItemCollectionMetrics SIZE reports, by table, each item
// collection its puts and deletes touched, once, for the tables with a
// local index only.
func TestBatchWriteItemCollectionMetrics(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	collectionTables(t, e)
	need[*awsddb.PutItemOutput](t)(e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String("withLocal"), Item: citem("d", "1", "x")}))
	put := func(pk, sk string) types.WriteRequest {
		return types.WriteRequest{PutRequest: &types.PutRequest{Item: citem(pk, sk, "v")}}
	}
	del := func(pk, sk string) types.WriteRequest {
		return types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: ckey(pk, sk)}}
	}
	tests := []struct {
		name  string
		mode  types.ReturnItemCollectionMetrics
		items map[string][]types.WriteRequest
		want  string
	}{
		{"several partitions", types.ReturnItemCollectionMetricsSize, map[string][]types.WriteRequest{
			"withLocal": {put("a", "1"), put("a", "2"), put("b", "1"), del("d", "1"), del("none", "1")},
			"plain":     {put("a", "1"), put("c", "1")},
		}, "withLocal:a,b,d,none"},
		{"plain table only", types.ReturnItemCollectionMetricsSize, map[string][]types.WriteRequest{
			"plain": {put("a", "1")},
		}, ""},
		{"NONE", types.ReturnItemCollectionMetricsNone, map[string][]types.WriteRequest{
			"withLocal": {put("a", "3"), put("b", "3")},
		}, ""},
		{"absent", "", map[string][]types.WriteRequest{
			"withLocal": {put("a", "4")},
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.db.BatchWriteItem(ctx, &awsddb.BatchWriteItemInput{RequestItems: tc.items, ReturnItemCollectionMetrics: tc.mode})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.UnprocessedItems) != 0 {
				t.Fatalf("unprocessed %v", out.UnprocessedItems)
			}
			if got := metricsSummary(t, out.ItemCollectionMetrics); got != tc.want {
				t.Errorf("ItemCollectionMetrics %q, want %q", got, tc.want)
			}
		})
	}
}

// TestTransactWriteItemsCollectionMetrics: TransactWriteItems with
// ReturnItemCollectionMetrics SIZE reports, by table, the item
// collections of its puts, updates and deletes (not its condition
// checks), for the tables with a local index only.
func TestTransactWriteItemsCollectionMetrics(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	collectionTables(t, e)
	for _, pk := range []string{"del", "chk"} {
		need[*awsddb.PutItemOutput](t)(e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String("withLocal"), Item: citem(pk, "1", "x")}))
	}
	put := func(table, pk, sk string) types.TransactWriteItem {
		return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(table), Item: citem(pk, sk, "v")}}
	}
	update := func(table, pk, sk string) types.TransactWriteItem {
		return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(table), Key: ckey(pk, sk),
			UpdateExpression: aws.String("SET lsk = :v"), ExpressionAttributeValues: map[string]types.AttributeValue{":v": av("u")}}}
	}
	del := func(table, pk, sk string) types.TransactWriteItem {
		return types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(table), Key: ckey(pk, sk)}}
	}
	check := func(table, pk, sk string) types.TransactWriteItem {
		return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: aws.String(table), Key: ckey(pk, sk),
			ConditionExpression: aws.String("attribute_exists(pk)")}}
	}
	tests := []struct {
		name  string
		mode  types.ReturnItemCollectionMetrics
		items []types.TransactWriteItem
		want  string
	}{
		{"put update delete check", types.ReturnItemCollectionMetricsSize, []types.TransactWriteItem{
			put("withLocal", "put", "1"), put("withLocal", "put", "2"), update("withLocal", "upd", "1"),
			del("withLocal", "del", "1"), check("withLocal", "chk", "1"), put("plain", "put", "1"),
		}, "withLocal:del,put,upd"},
		{"plain table only", types.ReturnItemCollectionMetricsSize, []types.TransactWriteItem{
			put("plain", "a", "1"), update("plain", "b", "1"),
		}, ""},
		{"condition check only", types.ReturnItemCollectionMetricsSize, []types.TransactWriteItem{
			check("withLocal", "chk", "1"),
		}, ""},
		{"NONE", types.ReturnItemCollectionMetricsNone, []types.TransactWriteItem{
			put("withLocal", "a", "1"), update("withLocal", "b", "1"),
		}, ""},
		{"absent", "", []types.TransactWriteItem{
			put("withLocal", "a", "2"),
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{TransactItems: tc.items, ReturnItemCollectionMetrics: tc.mode})
			if err != nil {
				t.Fatal(err)
			}
			if got := metricsSummary(t, out.ItemCollectionMetrics); got != tc.want {
				t.Errorf("ItemCollectionMetrics %q, want %q", got, tc.want)
			}
		})
	}
}
