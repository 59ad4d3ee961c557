package dynamodb_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// rdTable is the table of the Query and Scan tests: pk (S) and sk (N),
// a sparse global index by status and pos (ALL), one by owner
// (KEYS_ONLY), one by status projecting note (INCLUDE), and a local index
// by pos projecting note (INCLUDE).
var rdTable = store.TableConfig{
	Name: "reads",
	Key:  store.KeySchema{Partition: store.Attr{Name: "pk", Type: store.TypeS}, Sort: store.Attr{Name: "sk", Type: store.TypeN}},
	Indexes: []store.IndexConfig{
		{Name: "byStatus", Key: store.KeySchema{Partition: store.Attr{Name: "status", Type: store.TypeS}, Sort: store.Attr{Name: "pos", Type: store.TypeN}}, Projection: store.ProjectionAll},
		{Name: "byOwner", Key: store.KeySchema{Partition: store.Attr{Name: "owner", Type: store.TypeS}}, Projection: store.ProjectionKeysOnly},
		{Name: "statusNote", Key: store.KeySchema{Partition: store.Attr{Name: "status", Type: store.TypeS}}, Projection: store.ProjectionInclude, NonKey: []string{"note"}},
		{Name: "byAt", Local: true, Key: store.KeySchema{Sort: store.Attr{Name: "pos", Type: store.TypeN}}, Projection: store.ProjectionInclude, NonKey: []string{"note"}},
	},
}

// readEnv is an endpoint with rdTable created.
func rdEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, store.Options{})
	if _, err := e.st.CreateTable(context.Background(), rdTable); err != nil {
		t.Fatal(err)
	}
	return e
}

// put writes an item of rdTable through the store: pk, sk, then
// name/value pairs, a value "#5" a number.
func (e *env) rdPut(t *testing.T, pk string, sk int, kv ...string) {
	t.Helper()
	m := map[string]map[string]string{"pk": {"S": pk}, "sk": {"N": fmt.Sprint(sk)}}
	for i := 0; i+1 < len(kv); i += 2 {
		if v, ok := strings.CutPrefix(kv[i+1], "#"); ok {
			m[kv[i]] = map[string]string{"N": v}
		} else {
			m[kv[i]] = map[string]string{"S": kv[i+1]}
		}
	}
	b, _ := json.Marshal(m)
	if _, err := e.st.Put(context.Background(), rdTable.Name, b, nil); err != nil {
		t.Fatal(err)
	}
}

func rdS(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func rdN(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

// keysOf are the pk/sk of items, in order.
func rdKeys(items []map[string]types.AttributeValue) []string {
	var out []string
	for _, it := range items {
		pk, _ := it["pk"].(*types.AttributeValueMemberS)
		sk, _ := it["sk"].(*types.AttributeValueMemberN)
		if pk == nil || sk == nil {
			out = append(out, "?")
			continue
		}
		out = append(out, pk.Value+"/"+sk.Value)
	}
	return out
}

// namesOf are the attribute names of an item, sorted.
func rdNames(it map[string]types.AttributeValue) string {
	var out []string
	for n := range it {
		out = append(out, n)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// apiError is err's code and message.
func rdErr(err error) string {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return fmt.Sprint(err)
	}
	return ae.ErrorCode() + ": " + ae.ErrorMessage()
}

// seed writes the items most tests read: partition a with sk 1..5 (status
// open for odd sk), partition b with one item.
func rdSeed(t *testing.T, e *env) {
	for i := 1; i <= 5; i++ {
		kv := []string{"pos", fmt.Sprint("#", 10-i), "note", fmt.Sprint("n", i), "other", "x"}
		if i%2 == 1 {
			kv = append(kv, "status", "open", "owner", "ann")
		}
		e.rdPut(t, "a", i, kv...)
	}
	e.rdPut(t, "b", 1, "status", "open", "pos", "#100")
}

func TestQuery(t *testing.T) {
	e := rdEnv(t)
	rdSeed(t, e)
	ctx := context.Background()
	vals := func(kv ...any) map[string]types.AttributeValue {
		m := map[string]types.AttributeValue{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1].(types.AttributeValue)
		}
		return m
	}
	tests := []struct {
		name    string
		in      awsddb.QueryInput
		want    []string
		count   int32
		scanned int32
		last    bool
	}{
		{"partition", awsddb.QueryInput{KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: vals(":p", rdS("a"))},
			[]string{"a/1", "a/2", "a/3", "a/4", "a/5"}, 5, 5, false},
		{"descending", awsddb.QueryInput{KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: vals(":p", rdS("a")), ScanIndexForward: aws.Bool(false)},
			[]string{"a/5", "a/4", "a/3", "a/2", "a/1"}, 5, 5, false},
		{"between", awsddb.QueryInput{KeyConditionExpression: aws.String("pk = :p AND sk BETWEEN :lo AND :hi"), ExpressionAttributeValues: vals(":p", rdS("a"), ":lo", rdN("2"), ":hi", rdN("4"))},
			[]string{"a/2", "a/3", "a/4"}, 3, 3, false},
		{"greater, mirrored", awsddb.QueryInput{KeyConditionExpression: aws.String(":v < #s AND pk = :p"), ExpressionAttributeNames: map[string]string{"#s": "sk"}, ExpressionAttributeValues: vals(":p", rdS("a"), ":v", rdN("3"))},
			[]string{"a/4", "a/5"}, 2, 2, false},
		{"limit", awsddb.QueryInput{KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: vals(":p", rdS("a")), Limit: aws.Int32(2)},
			[]string{"a/1", "a/2"}, 2, 2, true},
		// The limit counts items read, before the filter.
		{"filter and limit", awsddb.QueryInput{KeyConditionExpression: aws.String("pk = :p"), FilterExpression: aws.String("#st = :o"),
			ExpressionAttributeNames: map[string]string{"#st": "status"}, ExpressionAttributeValues: vals(":p", rdS("a"), ":o", rdS("open")), Limit: aws.Int32(4)},
			[]string{"a/1", "a/3"}, 2, 4, true},
		{"legacy", awsddb.QueryInput{
			KeyConditions: map[string]types.Condition{
				"pk": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{rdS("a")}},
				"sk": {ComparisonOperator: types.ComparisonOperatorGe, AttributeValueList: []types.AttributeValue{rdN("2")}},
			},
			QueryFilter:     map[string]types.Condition{"note": {ComparisonOperator: types.ComparisonOperatorNe, AttributeValueList: []types.AttributeValue{rdS("n3")}}},
			AttributesToGet: []string{"pk", "sk"}},
			[]string{"a/2", "a/4", "a/5"}, 3, 4, false},
		{"count", awsddb.QueryInput{KeyConditionExpression: aws.String("pk = :p"), ExpressionAttributeValues: vals(":p", rdS("a")), Select: types.SelectCount},
			nil, 5, 5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.TableName = aws.String(rdTable.Name)
			out, err := e.db.Query(ctx, &in)
			if err != nil {
				t.Fatal(rdErr(err))
			}
			if got := rdKeys(out.Items); !slices.Equal(got, tt.want) {
				t.Errorf("items %q, want %q", got, tt.want)
			}
			if out.Count != tt.count || out.ScannedCount != tt.scanned || (out.LastEvaluatedKey != nil) != tt.last {
				t.Errorf("count %d scanned %d last %v", out.Count, out.ScannedCount, out.LastEvaluatedKey)
			}
		})
	}
}

// TestQueryProjection: ProjectionExpression and AttributesToGet return
// the attributes asked for; the last page's key restarts the query.
func TestQueryProjection(t *testing.T) {
	e := rdEnv(t)
	rdSeed(t, e)
	ctx := context.Background()
	out, err := e.db.Query(ctx, &awsddb.QueryInput{TableName: aws.String(rdTable.Name), KeyConditionExpression: aws.String("pk = :p AND sk = :s"),
		ProjectionExpression: aws.String("note, #o"), ExpressionAttributeNames: map[string]string{"#o": "other"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdS("a"), ":s": rdN("2")}})
	if err != nil {
		t.Fatal(rdErr(err))
	}
	if len(out.Items) != 1 || rdNames(out.Items[0]) != "note,other" {
		t.Errorf("items %v", out.Items)
	}
	// Restarting from a page's LastEvaluatedKey reads on.
	first, err := e.db.Query(ctx, &awsddb.QueryInput{TableName: aws.String(rdTable.Name), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdS("a")}, Limit: aws.Int32(3)})
	if err != nil {
		t.Fatal(rdErr(err))
	}
	next, err := e.db.Query(ctx, &awsddb.QueryInput{TableName: aws.String(rdTable.Name), KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdS("a")}, ExclusiveStartKey: first.LastEvaluatedKey})
	if err != nil {
		t.Fatal(rdErr(err))
	}
	if got := rdKeys(next.Items); !slices.Equal(got, []string{"a/4", "a/5"}) || next.LastEvaluatedKey != nil {
		t.Errorf("after %v: %q, last %v", first.LastEvaluatedKey, got, next.LastEvaluatedKey)
	}
}

// TestQueryValidation: refused requests, with AWS's messages word for
// word.
func TestQueryValidation(t *testing.T) {
	e := rdEnv(t)
	rdSeed(t, e)
	ctx := context.Background()
	p := map[string]types.AttributeValue{":p": rdS("a")}
	kc := aws.String("pk = :p")
	tests := []struct {
		name string
		in   awsddb.QueryInput
		want string
	}{
		{"no key condition", awsddb.QueryInput{},
			"ValidationException: Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."},
		{"unknown table", awsddb.QueryInput{TableName: aws.String("nope"), KeyConditionExpression: kc, ExpressionAttributeValues: p},
			"ResourceNotFoundException: Requested resource not found"},
		{"unknown index", awsddb.QueryInput{IndexName: aws.String("nope"), KeyConditionExpression: kc, ExpressionAttributeValues: p},
			"ValidationException: The table does not have the specified index: nope"},
		{"consistent global", awsddb.QueryInput{IndexName: aws.String("byStatus"), ConsistentRead: aws.Bool(true), KeyConditionExpression: aws.String("#s = :p"),
			ExpressionAttributeNames: map[string]string{"#s": "status"}, ExpressionAttributeValues: p},
			"ValidationException: Consistent reads are not supported on global secondary indexes"},
		{"all attributes of keys only", awsddb.QueryInput{IndexName: aws.String("byOwner"), Select: types.SelectAllAttributes, KeyConditionExpression: aws.String("#o = :p"),
			ExpressionAttributeNames: map[string]string{"#o": "owner"}, ExpressionAttributeValues: p},
			"ValidationException: One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index byOwner because its projection type is not ALL"},
		{"missed partition key", awsddb.QueryInput{KeyConditionExpression: aws.String("sk = :p"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdN("1")}},
			"ValidationException: Query condition missed key schema element: pk"},
		{"partition key type", awsddb.QueryInput{KeyConditionExpression: kc, ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdN("1")}},
			"ValidationException: One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"filter on a key", awsddb.QueryInput{KeyConditionExpression: kc, FilterExpression: aws.String("sk > :s"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdS("a"), ":s": rdN("1")}},
			"ValidationException: Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"},
		{"query filter on a key", awsddb.QueryInput{KeyConditions: map[string]types.Condition{"pk": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{rdS("a")}}},
			QueryFilter: map[string]types.Condition{"sk": {ComparisonOperator: types.ComparisonOperatorNotNull}}},
			"ValidationException: QueryFilter can only contain non-primary key attributes: Primary key attribute: sk"},
		{"unused value", awsddb.QueryInput{KeyConditionExpression: kc, ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdS("a"), ":x": rdS("b")}},
			"ValidationException: Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}"},
		{"mixed", awsddb.QueryInput{KeyConditionExpression: kc, ExpressionAttributeValues: p, AttributesToGet: []string{"note"}},
			"ValidationException: Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {KeyConditionExpression}"},
		{"values without expressions", awsddb.QueryInput{KeyConditions: map[string]types.Condition{"pk": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{rdS("a")}}}, ExpressionAttributeValues: p},
			"ValidationException: ExpressionAttributeValues can only be specified when using expressions: FilterExpression and KeyConditionExpression are null"},
		{"limit", awsddb.QueryInput{KeyConditionExpression: kc, ExpressionAttributeValues: p, Limit: aws.Int32(0)},
			"ValidationException: 1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"specific without projection", awsddb.QueryInput{KeyConditionExpression: kc, ExpressionAttributeValues: p, Select: types.SelectSpecificAttributes},
			"ValidationException: Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"},
		{"count with projection", awsddb.QueryInput{KeyConditionExpression: kc, ExpressionAttributeValues: p, Select: types.SelectCount, ProjectionExpression: aws.String("note")},
			"ValidationException: Cannot specify the ProjectionExpression when choosing to get only the Count"},
		{"all with projection", awsddb.QueryInput{KeyConditionExpression: kc, ExpressionAttributeValues: p, Select: types.SelectAllAttributes, ProjectionExpression: aws.String("note")},
			"ValidationException: Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES"},
		{"all projected of a table", awsddb.QueryInput{KeyConditionExpression: kc, ExpressionAttributeValues: p, Select: types.SelectAllProjectedAttributes},
			"ValidationException: ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"},
		{"start key shape", awsddb.QueryInput{KeyConditionExpression: kc, ExpressionAttributeValues: p, ExclusiveStartKey: map[string]types.AttributeValue{"pk": rdS("a")}},
			"ValidationException: The provided starting key is invalid: The provided key element does not match the schema"},
		{"start key type", awsddb.QueryInput{KeyConditionExpression: kc, ExpressionAttributeValues: p, ExclusiveStartKey: map[string]types.AttributeValue{"pk": rdS("a"), "sk": rdS("1")}},
			"ValidationException: The provided starting key is invalid: The provided key element does not match the schema"},
		{"start key of an index", awsddb.QueryInput{IndexName: aws.String("byStatus"), KeyConditionExpression: aws.String("#s = :p"), ExpressionAttributeNames: map[string]string{"#s": "status"},
			ExpressionAttributeValues: p, ExclusiveStartKey: map[string]types.AttributeValue{"pk": rdS("a"), "sk": rdN("1")}},
			"ValidationException: The provided starting key is invalid: The provided key element does not match the schema"},
		{"start key elsewhere", awsddb.QueryInput{KeyConditionExpression: kc, ExpressionAttributeValues: p, ExclusiveStartKey: map[string]types.AttributeValue{"pk": rdS("b"), "sk": rdN("1")}},
			"ValidationException: The provided starting key is outside query boundaries based on provided conditions"},
		{"start key off the range", awsddb.QueryInput{KeyConditionExpression: aws.String("pk = :p AND sk > :s"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdS("a"), ":s": rdN("3")},
			ExclusiveStartKey: map[string]types.AttributeValue{"pk": rdS("a"), "sk": rdN("1")}},
			"ValidationException: The provided starting key does not match the range key predicate"},
		{"between reversed", awsddb.QueryInput{KeyConditionExpression: aws.String("pk = :p AND sk BETWEEN :hi AND :lo"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdS("a"), ":lo": rdN("1"), ":hi": rdN("5")}},
			"ValidationException: Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"},
		{"begins_with a number", awsddb.QueryInput{KeyConditionExpression: aws.String("pk = :p AND begins_with(sk, :s)"), ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdS("a"), ":s": rdN("1")}},
			"ValidationException: Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"key condition syntax", awsddb.QueryInput{KeyConditionExpression: aws.String("pk = :p OR sk = :p"), ExpressionAttributeValues: p},
			"ValidationException: Invalid operator used in KeyConditionExpression: OR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.TableName == nil {
				in.TableName = aws.String(rdTable.Name)
			}
			_, err := e.db.Query(ctx, &in)
			if got := rdErr(err); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestQueryIndexes: global indexes are sparse and hold their projections;
// a local index reads the table's items for attributes it does not
// project; an index's LastEvaluatedKey holds its key and the table's.
func TestQueryIndexes(t *testing.T) {
	e := rdEnv(t)
	rdSeed(t, e)
	ctx := context.Background()
	status := map[string]string{"#s": "status"}
	open := map[string]types.AttributeValue{":p": rdS("open")}
	q := func(in awsddb.QueryInput) *awsddb.QueryOutput {
		t.Helper()
		in.TableName = aws.String(rdTable.Name)
		out, err := e.db.Query(ctx, &in)
		if err != nil {
			t.Fatal(rdErr(err))
		}
		return out
	}
	// Sparse, ordered by pos: a/5 (5), a/3 (7), a/1 (9), b/1 (100).
	out := q(awsddb.QueryInput{IndexName: aws.String("byStatus"), KeyConditionExpression: aws.String("#s = :p"), ExpressionAttributeNames: status, ExpressionAttributeValues: open})
	if got := rdKeys(out.Items); !slices.Equal(got, []string{"a/5", "a/3", "a/1", "b/1"}) {
		t.Errorf("byStatus %q", got)
	}
	if rdNames(out.Items[0]) != "note,other,owner,pk,pos,sk,status" {
		t.Errorf("byStatus projects %s", rdNames(out.Items[0]))
	}
	// Pages of one: each LastEvaluatedKey has both keys.
	var got []string
	var start map[string]types.AttributeValue
	for {
		out := q(awsddb.QueryInput{IndexName: aws.String("byStatus"), KeyConditionExpression: aws.String("#s = :p AND pos < :at"), ExpressionAttributeNames: status,
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdS("open"), ":at": rdN("100")}, Limit: aws.Int32(1), ExclusiveStartKey: start, ScanIndexForward: aws.Bool(false)})
		got = append(got, rdKeys(out.Items)...)
		if out.LastEvaluatedKey == nil {
			break
		}
		if rdNames(out.LastEvaluatedKey) != "pk,pos,sk,status" {
			t.Fatalf("LastEvaluatedKey %v", out.LastEvaluatedKey)
		}
		start = out.LastEvaluatedKey
	}
	if !slices.Equal(got, []string{"a/1", "a/3", "a/5"}) {
		t.Errorf("byStatus backward in pages %q", got)
	}
	// KEYS_ONLY and INCLUDE.
	out = q(awsddb.QueryInput{IndexName: aws.String("byOwner"), KeyConditionExpression: aws.String("#o = :p"), ExpressionAttributeNames: map[string]string{"#o": "owner"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdS("ann")}})
	if len(out.Items) != 3 || rdNames(out.Items[0]) != "owner,pk,sk" {
		t.Errorf("byOwner %v", out.Items)
	}
	out = q(awsddb.QueryInput{IndexName: aws.String("statusNote"), KeyConditionExpression: aws.String("#s = :p"), ExpressionAttributeNames: status, ExpressionAttributeValues: open})
	if len(out.Items) != 4 || rdNames(out.Items[0]) != "note,pk,sk,status" {
		t.Errorf("statusNote %v", out.Items)
	}
	// A local index: its projection, or the table's items when asked.
	out = q(awsddb.QueryInput{IndexName: aws.String("byAt"), KeyConditionExpression: aws.String("pk = :p AND pos <= :at"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdS("a"), ":at": rdN("7")}, ConsistentRead: aws.Bool(true)})
	if got := rdKeys(out.Items); !slices.Equal(got, []string{"a/5", "a/4", "a/3"}) || rdNames(out.Items[0]) != "note,pk,pos,sk" {
		t.Errorf("byAt %q %v", got, out.Items)
	}
	out = q(awsddb.QueryInput{IndexName: aws.String("byAt"), KeyConditionExpression: aws.String("pk = :p AND pos <= :at"), Select: types.SelectAllAttributes,
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdS("a"), ":at": rdN("7")}})
	if len(out.Items) != 3 || rdNames(out.Items[0]) != "note,other,owner,pk,pos,sk,status" {
		t.Errorf("byAt ALL_ATTRIBUTES %v", out.Items)
	}
	// A filter may use the table's key on an index.
	out = q(awsddb.QueryInput{IndexName: aws.String("byStatus"), KeyConditionExpression: aws.String("#s = :p"), FilterExpression: aws.String("pk = :a"), ExpressionAttributeNames: status,
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdS("open"), ":a": rdS("b")}})
	if got := rdKeys(out.Items); !slices.Equal(got, []string{"b/1"}) || out.ScannedCount != 4 {
		t.Errorf("filtered %q scanned %d", got, out.ScannedCount)
	}
}

// TestQueryPaginator: the SDK's paginator reads a partition of 100 KB
// items in pages of at most 1 MB, each item once.
func TestQueryPaginator(t *testing.T) {
	e := rdEnv(t)
	big := strings.Repeat("x", 100<<10)
	const n = 25
	for i := range n {
		e.rdPut(t, "big", i, "v", big, "status", "s", "pos", fmt.Sprint("#", i))
	}
	ctx := context.Background()
	for _, index := range []string{"", "byStatus"} {
		in := &awsddb.QueryInput{TableName: aws.String(rdTable.Name), KeyConditionExpression: aws.String("pk = :p"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": rdS("big")}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal}
		if index != "" {
			in.IndexName = aws.String(index)
			in.KeyConditionExpression = aws.String("#s = :p")
			in.ExpressionAttributeNames = map[string]string{"#s": "status"}
			in.ExpressionAttributeValues = map[string]types.AttributeValue{":p": rdS("s")}
		}
		pages, seen := 0, map[string]bool{}
		for pg := awsddb.NewQueryPaginator(e.db, in); pg.HasMorePages(); {
			out, err := pg.NextPage(ctx)
			if err != nil {
				t.Fatal(rdErr(err))
			}
			pages++
			if len(out.Items) > 11 {
				t.Errorf("index %q: a page of %d items of 100 KB", index, len(out.Items))
			}
			// Eventually consistent: half a unit per 4 KB read.
			if c := out.ConsumedCapacity; c == nil || *c.CapacityUnits < float64(len(out.Items))*12.5 {
				t.Errorf("index %q: %d items consumed %+v", index, len(out.Items), c)
			}
			for _, k := range rdKeys(out.Items) {
				if seen[k] {
					t.Errorf("index %q: %s twice", index, k)
				}
				seen[k] = true
			}
		}
		if len(seen) != n || pages < 3 {
			t.Errorf("index %q: %d items in %d pages", index, len(seen), pages)
		}
	}
}
