package dynamodb_test

import (
	"context"
	"maps"
	"slices"
	"strconv"
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
	for _, name := range slices.Sorted(maps.Keys(m)) {
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

// TestItemCollectionSizeLimit: on a table with a local index, a write
// that would grow an item collection past the limit (lowered here to
// 3,000 bytes: one ~2 KB item and its index row fit, two do not) fails
// as DynamoDB's 10 GB limit does, and writes nothing; a transaction is
// cancelled whole. A table without a local index has no limit.
func TestItemCollectionSizeLimit(t *testing.T) {
	e := newEnv(t, store.Options{CollectionLimit: 3000})
	ctx := context.Background()
	collectionTables(t, e)
	big, small := strings.Repeat("x", 1000), "x"
	putItem := func(table, pk, sk, data string) error {
		_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String(table), Item: citem(pk, sk, data)})
		return err
	}
	setData := func(pk, data string) error {
		_, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: aws.String("withLocal"), Key: ckey(pk, "seed"),
			UpdateExpression: aws.String("SET #d = :v"), ExpressionAttributeNames: map[string]string{"#d": "data"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":v": av(data)}})
		return err
	}
	tput := func(table, pk, sk string) types.TransactWriteItem {
		return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(table), Item: citem(pk, sk, big)}}
	}
	transact := func(items ...types.TransactWriteItem) error {
		_, err := e.db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{TransactItems: items})
		return err
	}
	const code, msg = "ItemCollectionSizeLimitExceededException", "Collection size exceeded"
	tests := []struct {
		name string
		// seed puts item "seed" (~2 KB) in partition p of both tables
		// first.
		seed  bool
		write func(p string) error
		code  string
		// reasons are a cancelled transaction's reason codes.
		reasons string
		// absent are the items of withLocal (partition/sort) the write
		// must not leave.
		absent []string
	}{
		{"PutItem past the limit", true, func(p string) error { return putItem("withLocal", p, "new", big) }, code, "", []string{"p/new"}},
		{"PutItem in another partition", true, func(p string) error { return putItem("withLocal", p+"-other", "new", big) }, "", "", nil},
		{"PutItem of a small item", true, func(p string) error { return putItem("withLocal", p, "new", small) }, "", "", nil},
		{"PutItem on a table without a local index", true, func(p string) error { return putItem("plain", p, "new", big) }, "", "", nil},
		{"UpdateItem growing past the limit", true, func(p string) error { return setData(p, big+big) }, code, "", nil},
		{"UpdateItem shrinking", true, func(p string) error { return setData(p, small) }, "", "", nil},
		{"DeleteItem", true, func(p string) error {
			_, err := e.db.DeleteItem(ctx, &awsddb.DeleteItemInput{TableName: aws.String("withLocal"), Key: ckey(p, "seed")})
			return err
		}, "", "", nil},
		{"BatchWriteItem past the limit", true, func(p string) error {
			_, err := e.db.BatchWriteItem(ctx, &awsddb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
				"withLocal": {{PutRequest: &types.PutRequest{Item: citem(p, "new", big)}}},
			}})
			return err
		}, code, "", []string{"p/new"}},
		{"TransactWriteItems past the limit", true, func(p string) error {
			return transact(tput("withLocal", p+"-other", "new"), tput("withLocal", p, "new"))
		}, "TransactionCanceledException", "None,ItemCollectionSizeLimitExceeded", []string{"p-other/new", "p/new"}},
		{"TransactWriteItems of two puts that fit alone", false, func(p string) error {
			return transact(tput("withLocal", p, "a"), tput("withLocal", p, "b"))
		}, "TransactionCanceledException", "None,ItemCollectionSizeLimitExceeded", []string{"p/a", "p/b"}},
		{"TransactWriteItems replacing an item", true, func(p string) error {
			return transact(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String("withLocal"), Key: ckey(p, "seed")}},
				tput("withLocal", p, "new"))
		}, "", "", nil},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := "p" + string(rune('a'+i))
			if tc.seed {
				for _, table := range []string{"withLocal", "plain"} {
					if err := putItem(table, p, "seed", big); err != nil {
						t.Fatal(err)
					}
				}
			}
			before := scanAll(t, e, "withLocal")
			err := tc.write(p)
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantError(t, err, tc.code, "")
			var tce *types.TransactionCanceledException
			switch {
			case tc.reasons == "":
				wantError(t, err, tc.code, msg)
			case !asError(err, &tce):
				t.Fatalf("error %v", err)
			default:
				var codes []string
				for j, r := range tce.CancellationReasons {
					codes = append(codes, aws.ToString(r.Code))
					if aws.ToString(r.Code) == "ItemCollectionSizeLimitExceeded" && aws.ToString(r.Message) != msg {
						t.Errorf("reason %d message %q, want %q", j, aws.ToString(r.Message), msg)
					}
				}
				if got := strings.Join(codes, ","); got != tc.reasons {
					t.Errorf("reasons %q, want %q", got, tc.reasons)
				}
			}
			if after := scanAll(t, e, "withLocal"); after != before {
				t.Errorf("the refused write changed the table:\n%s\nwas\n%s", after, before)
			}
			for _, k := range tc.absent {
				pk, sk, _ := strings.Cut(strings.Replace(k, "p", p, 1), "/")
				out := need[*awsddb.GetItemOutput](t)(e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: aws.String("withLocal"), Key: ckey(pk, sk)}))
				if out.Item != nil {
					t.Errorf("item %s/%s was written", pk, sk)
				}
			}
		})
	}
}

// scanAll is a table's items and its index byL's, in the collection
// tests' shape (pk/sk/lsk/length of data), sorted.
func scanAll(t *testing.T, e *env, table string) string {
	t.Helper()
	var lines []string
	for _, index := range []*string{nil, aws.String("byL")} {
		out := need[*awsddb.ScanOutput](t)(e.db.Scan(context.Background(), &awsddb.ScanInput{TableName: aws.String(table), IndexName: index}))
		for _, it := range out.Items {
			var f []string
			for _, n := range []string{"pk", "sk", "lsk", "data"} {
				s, _ := it[n].(*types.AttributeValueMemberS)
				switch {
				case s == nil:
					f = append(f, "-")
				case n == "data":
					f = append(f, strconv.Itoa(len(s.Value)))
				default:
					f = append(f, s.Value)
				}
			}
			lines = append(lines, aws.ToString(index)+":"+strings.Join(f, "/"))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
