package dynamodb_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// capTable is the table of the index capacity tests: keyed on pk and sk,
// with a global index keysG on g projecting the keys only, a global
// index allG on g projecting everything, and a local index inclL on l
// projecting n.
const capTable = "cap"

func capacityTable(t *testing.T, e *env) {
	t.Helper()
	need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(context.Background(), &awsddb.CreateTableInput{
		TableName:            aws.String(capTable),
		KeySchema:            keys("pk", "sk"),
		AttributeDefinitions: defs("pk", "S", "sk", "S", "g", "S", "l", "S"),
		BillingMode:          types.BillingModePayPerRequest,
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{
			{IndexName: aws.String("keysG"), KeySchema: keys("g"), Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}},
			{IndexName: aws.String("allG"), KeySchema: keys("g"), Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}},
		},
		LocalSecondaryIndexes: []types.LocalSecondaryIndex{{
			IndexName: aws.String("inclL"), KeySchema: keys("pk", "l"),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{"n"}},
		}},
	}))
}

// units is a write's expected units: the table's and each index's.
type units struct {
	table    float64
	gsi, lsi map[string]float64
}

func (u units) total() float64 {
	n := u.table
	for _, m := range []map[string]float64{u.gsi, u.lsi} {
		for _, v := range m {
			n += v
		}
	}
	return n
}

func (u units) times(k float64) units {
	out := units{table: k * u.table}
	scale := func(m map[string]float64) map[string]float64 {
		if m == nil {
			return nil
		}
		r := map[string]float64{}
		for n, v := range m {
			r[n] = k * v
		}
		return r
	}
	out.gsi, out.lsi = scale(u.gsi), scale(u.lsi)
	return out
}

// indexUnits are the write units of an index map of a ConsumedCapacity,
// checking that each index's CapacityUnits are its write units.
func indexUnits(t *testing.T, m map[string]types.Capacity) map[string]float64 {
	t.Helper()
	if m == nil {
		return nil
	}
	out := map[string]float64{}
	for n, c := range m {
		if aws.ToFloat64(c.CapacityUnits) != aws.ToFloat64(c.WriteCapacityUnits) || c.ReadCapacityUnits != nil {
			t.Errorf("index %s: %v capacity units, %v write, %v read", n, aws.ToFloat64(c.CapacityUnits),
				aws.ToFloat64(c.WriteCapacityUnits), c.ReadCapacityUnits)
		}
		out[n] = aws.ToFloat64(c.WriteCapacityUnits)
	}
	return out
}

// checkCapacity checks a write's ConsumedCapacity against want, as mode
// asks for it: INDEXES with the table's and each index's units, TOTAL
// their sum alone.
func checkCapacity(t *testing.T, mode types.ReturnConsumedCapacity, c *types.ConsumedCapacity, want units) {
	t.Helper()
	if c == nil {
		t.Fatalf("%s: no ConsumedCapacity", mode)
	}
	if aws.ToString(c.TableName) != capTable {
		t.Errorf("%s: table %q", mode, aws.ToString(c.TableName))
	}
	if got := aws.ToFloat64(c.CapacityUnits); got != want.total() || aws.ToFloat64(c.WriteCapacityUnits) != want.total() {
		t.Errorf("%s: %v capacity units, %v write units, want %v", mode, got, aws.ToFloat64(c.WriteCapacityUnits), want.total())
	}
	if mode == types.ReturnConsumedCapacityTotal {
		if c.Table != nil || c.GlobalSecondaryIndexes != nil || c.LocalSecondaryIndexes != nil {
			t.Errorf("TOTAL: a breakdown %+v %v %v", c.Table, c.GlobalSecondaryIndexes, c.LocalSecondaryIndexes)
		}
		return
	}
	if c.Table == nil || aws.ToFloat64(c.Table.CapacityUnits) != want.table || aws.ToFloat64(c.Table.WriteCapacityUnits) != want.table {
		t.Errorf("INDEXES: table %+v, want %v units", c.Table, want.table)
	}
	if got := indexUnits(t, c.GlobalSecondaryIndexes); !maps.Equal(got, want.gsi) {
		t.Errorf("INDEXES: global indexes %v, want %v", got, want.gsi)
	}
	if got := indexUnits(t, c.LocalSecondaryIndexes); !maps.Equal(got, want.lsi) {
		t.Errorf("INDEXES: local indexes %v, want %v", got, want.lsi)
	}
}

// A capWrite is a write of a capacity case: a put of item, an update
// setting attribute set to value (REMOVE when value is ""), or a delete.
type capWrite struct {
	put        map[string]types.AttributeValue
	set, value string
	delete     bool
}

// A capRunner makes a write through one operation and returns its
// ConsumedCapacity; twice says the operation is a transaction.
type capRunner struct {
	name  string
	twice bool
	run   func(ctx context.Context, e *env, sk string, w capWrite, mode types.ReturnConsumedCapacity) (*types.ConsumedCapacity, error)
}

func capS(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// capItem is the item of sort key sk with the attributes of attrs
// (name=value pairs).
func capItem(sk string, attrs ...string) map[string]types.AttributeValue {
	m := map[string]types.AttributeValue{"pk": capS("p"), "sk": capS(sk)}
	for _, a := range attrs {
		n, v, _ := strings.Cut(a, "=")
		m[n] = capS(v)
	}
	return m
}

// capKey is the key of sort key sk.
func capKey(sk string) map[string]types.AttributeValue { return capItem(sk) }

// withKey is w's item under sort key sk.
func withKey(w capWrite, sk string) map[string]types.AttributeValue {
	m := maps.Clone(w.put)
	m["sk"] = capS(sk)
	return m
}

// updateExpr is w's update expression, names and values.
func updateExpr(w capWrite) (string, map[string]string, map[string]types.AttributeValue) {
	names := map[string]string{"#a": w.set}
	if w.value == "" {
		return "REMOVE #a", names, nil
	}
	return "SET #a = :v", names, map[string]types.AttributeValue{":v": capS(w.value)}
}

// partiql is w as a PartiQL statement and its parameters.
func partiql(w capWrite, sk string) (string, []types.AttributeValue) {
	switch {
	case w.delete:
		return fmt.Sprintf(`DELETE FROM "%s" WHERE pk = ? AND sk = ?`, capTable), []types.AttributeValue{capS("p"), capS(sk)}
	case w.value == "":
		return fmt.Sprintf(`UPDATE "%s" REMOVE %s WHERE pk = ? AND sk = ?`, capTable, w.set), []types.AttributeValue{capS("p"), capS(sk)}
	}
	return fmt.Sprintf(`UPDATE "%s" SET %s = ? WHERE pk = ? AND sk = ?`, capTable, w.set),
		[]types.AttributeValue{capS(w.value), capS("p"), capS(sk)}
}

// only is the single ConsumedCapacity of a list.
func only(cs []types.ConsumedCapacity) *types.ConsumedCapacity {
	if len(cs) != 1 {
		return nil
	}
	return &cs[0]
}

// capRunners are the write operations, each for the writes it can make.
func capRunners(t *testing.T) map[string][]capRunner {
	single := capRunner{name: "single", run: func(ctx context.Context, e *env, sk string, w capWrite, mode types.ReturnConsumedCapacity) (*types.ConsumedCapacity, error) {
		switch {
		case w.put != nil:
			out, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String(capTable), Item: withKey(w, sk), ReturnConsumedCapacity: mode})
			if err != nil {
				return nil, err
			}
			return out.ConsumedCapacity, nil
		case w.delete:
			out, err := e.db.DeleteItem(ctx, &awsddb.DeleteItemInput{TableName: aws.String(capTable), Key: capKey(sk), ReturnConsumedCapacity: mode})
			if err != nil {
				return nil, err
			}
			return out.ConsumedCapacity, nil
		}
		ue, names, values := updateExpr(w)
		out, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: aws.String(capTable), Key: capKey(sk), UpdateExpression: &ue,
			ExpressionAttributeNames: names, ExpressionAttributeValues: values, ReturnConsumedCapacity: mode})
		if err != nil {
			return nil, err
		}
		return out.ConsumedCapacity, nil
	}}
	batch := capRunner{name: "BatchWriteItem", run: func(ctx context.Context, e *env, sk string, w capWrite, mode types.ReturnConsumedCapacity) (*types.ConsumedCapacity, error) {
		var req types.WriteRequest
		if w.delete {
			req.DeleteRequest = &types.DeleteRequest{Key: capKey(sk)}
		} else {
			req.PutRequest = &types.PutRequest{Item: withKey(w, sk)}
		}
		out, err := e.db.BatchWriteItem(ctx, &awsddb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{capTable: {req}},
			ReturnConsumedCapacity: mode})
		if err != nil {
			return nil, err
		}
		return only(out.ConsumedCapacity), nil
	}}
	transact := capRunner{name: "TransactWriteItems", twice: true, run: func(ctx context.Context, e *env, sk string, w capWrite, mode types.ReturnConsumedCapacity) (*types.ConsumedCapacity, error) {
		var it types.TransactWriteItem
		switch {
		case w.put != nil:
			it.Put = &types.Put{TableName: aws.String(capTable), Item: withKey(w, sk)}
		case w.delete:
			it.Delete = &types.Delete{TableName: aws.String(capTable), Key: capKey(sk)}
		default:
			ue, names, values := updateExpr(w)
			it.Update = &types.Update{TableName: aws.String(capTable), Key: capKey(sk), UpdateExpression: &ue,
				ExpressionAttributeNames: names, ExpressionAttributeValues: values}
		}
		out, err := e.db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{it}, ReturnConsumedCapacity: mode})
		if err != nil {
			return nil, err
		}
		return only(out.ConsumedCapacity), nil
	}}
	statement := capRunner{name: "ExecuteStatement", run: func(ctx context.Context, e *env, sk string, w capWrite, mode types.ReturnConsumedCapacity) (*types.ConsumedCapacity, error) {
		st, params := partiql(w, sk)
		out, err := e.db.ExecuteStatement(ctx, &awsddb.ExecuteStatementInput{Statement: &st, Parameters: params, ReturnConsumedCapacity: mode})
		if err != nil {
			return nil, err
		}
		return out.ConsumedCapacity, nil
	}}
	batchStatement := capRunner{name: "BatchExecuteStatement", run: func(ctx context.Context, e *env, sk string, w capWrite, mode types.ReturnConsumedCapacity) (*types.ConsumedCapacity, error) {
		st, params := partiql(w, sk)
		out, err := e.db.BatchExecuteStatement(ctx, &awsddb.BatchExecuteStatementInput{
			Statements: []types.BatchStatementRequest{{Statement: &st, Parameters: params}}, ReturnConsumedCapacity: mode})
		if err != nil {
			return nil, err
		}
		if len(out.Responses) != 1 || out.Responses[0].Error != nil {
			return nil, fmt.Errorf("responses %+v", out.Responses)
		}
		return only(out.ConsumedCapacity), nil
	}}
	transaction := capRunner{name: "ExecuteTransaction", twice: true, run: func(ctx context.Context, e *env, sk string, w capWrite, mode types.ReturnConsumedCapacity) (*types.ConsumedCapacity, error) {
		st, params := partiql(w, sk)
		out, err := e.db.ExecuteTransaction(ctx, &awsddb.ExecuteTransactionInput{
			TransactStatements: []types.ParameterizedStatement{{Statement: &st, Parameters: params}}, ReturnConsumedCapacity: mode})
		if err != nil {
			return nil, err
		}
		return only(out.ConsumedCapacity), nil
	}}
	return map[string][]capRunner{
		"put":    {single, batch, transact},
		"update": {single, transact, statement, batchStatement, transaction},
		"delete": {single, batch, transact, statement, batchStatement, transaction},
	}
}

// TestWriteCapacityIndexes: every write operation reports, with
// ReturnConsumedCapacity INDEXES, the units of the table and of each
// secondary index it changed, as DynamoDB counts them (one write to put
// an entry or delete one, two when the index key changes, one when only
// projected attributes change, none when the index entry is unchanged
// or absent before and after; a unit per KB of the entry), and with
// TOTAL their sum; transactions count double.
func TestWriteCapacityIndexes(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	capacityTable(t, e)
	full := []string{"g=g1", "l=l1", "n=n1", "x=x1"}
	big := append([]string{"data=" + strings.Repeat("d", 2500)}, full...)
	all := func(keys, allG, inclL float64) units {
		return units{table: 1, gsi: map[string]float64{"keysG": keys, "allG": allG}, lsi: map[string]float64{"inclL": inclL}}
	}
	tests := []struct {
		name   string
		before []string // the item's attributes before the write; nil: none
		write  capWrite
		want   units
	}{
		{"put a new item in every index", nil, capWrite{put: capItem("", full...)}, all(1, 1, 1)},
		{"put an item in no sparse index", nil, capWrite{put: capItem("", "x=x1")}, units{table: 1}},
		{"put a large item: ALL counts its size, KEYS_ONLY and INCLUDE their entry's", nil, capWrite{put: capItem("", big...)},
			units{table: 3, gsi: map[string]float64{"keysG": 1, "allG": 3}, lsi: map[string]float64{"inclL": 1}}},
		{"put replacing an item, a non-projected attribute changed", full, capWrite{put: capItem("", "g=g1", "l=l1", "n=n1", "x=x2")},
			units{table: 1, gsi: map[string]float64{"allG": 1}}},
		{"put replacing an item unchanged", full, capWrite{put: capItem("", full...)}, units{table: 1}},
		{"update changing the global index key", full, capWrite{set: "g", value: "g2"},
			units{table: 1, gsi: map[string]float64{"keysG": 2, "allG": 2}}},
		{"update changing the local index key", full, capWrite{set: "l", value: "l2"}, all(0, 1, 2).without("keysG")},
		{"update of a non-projected attribute", full, capWrite{set: "x", value: "x2"}, units{table: 1, gsi: map[string]float64{"allG": 1}}},
		{"update of an attribute INCLUDE projects", full, capWrite{set: "n", value: "n2"}, all(0, 1, 1).without("keysG")},
		{"update adding an item to the sparse global indexes", []string{"x=x1"}, capWrite{set: "g", value: "g1"},
			units{table: 1, gsi: map[string]float64{"keysG": 1, "allG": 1}}},
		{"update removing an item from the sparse global indexes", full, capWrite{set: "g"},
			units{table: 1, gsi: map[string]float64{"keysG": 1, "allG": 1}}},
		{"update of an item in no index", []string{"x=x1"}, capWrite{set: "x", value: "x2"}, units{table: 1}},
		{"delete of an item in every index", full, capWrite{delete: true}, all(1, 1, 1)},
		{"delete of an item in no sparse index", []string{"x=x1"}, capWrite{delete: true}, units{table: 1}},
		{"delete of a large item", big, capWrite{delete: true},
			units{table: 3, gsi: map[string]float64{"keysG": 1, "allG": 3}, lsi: map[string]float64{"inclL": 1}}},
	}
	runners := capRunners(t)
	n := 0
	for _, tc := range tests {
		kind := "update"
		switch {
		case tc.write.put != nil:
			kind = "put"
		case tc.write.delete:
			kind = "delete"
		}
		for _, r := range runners[kind] {
			for _, mode := range []types.ReturnConsumedCapacity{types.ReturnConsumedCapacityIndexes, types.ReturnConsumedCapacityTotal} {
				t.Run(fmt.Sprintf("%s/%s/%s", tc.name, r.name, mode), func(t *testing.T) {
					n++
					sk := fmt.Sprintf("s%d", n)
					if tc.before != nil {
						need[*awsddb.PutItemOutput](t)(e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String(capTable), Item: capItem(sk, tc.before...)}))
					}
					c, err := r.run(ctx, e, sk, tc.write, mode)
					if err != nil {
						t.Fatal(err)
					}
					want := tc.want
					if r.twice {
						want = want.times(2)
					}
					checkCapacity(t, mode, c, want)
				})
			}
		}
	}
}

// without is u without the index name (none of its units).
func (u units) without(name string) units {
	delete(u.gsi, name)
	delete(u.lsi, name)
	return u
}

// TestTransactWriteSizeLimit: a transaction whose items total more than
// 4 MB is refused whole with a ValidationException, and writes nothing;
// one just under passes.
func TestTransactWriteSizeLimit(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	capacityTable(t, e)
	// Eleven items of 390 KB pass 4 MB; ten do not.
	blob := strings.Repeat("b", 390*1024)
	items := func(n int, prefix string) []types.TransactWriteItem {
		var out []types.TransactWriteItem
		for i := range n {
			out = append(out, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(capTable),
				Item: capItem(fmt.Sprintf("%s%d", prefix, i), "data="+blob)}})
		}
		return out
	}
	_, err := e.db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{TransactItems: items(11, "over")})
	wantError(t, err, "ValidationException", "The aggregate size of the items in the transaction cannot exceed 4 MB")
	got := need[*awsddb.GetItemOutput](t)(e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: aws.String(capTable), Key: capKey("over0")}))
	if got.Item != nil {
		t.Error("a refused transaction wrote its first item")
	}
	need[*awsddb.TransactWriteItemsOutput](t)(e.db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{TransactItems: items(10, "under")}))
}
