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

func TestScan(t *testing.T) {
	e := rdEnv(t)
	rdSeed(t, e)
	ctx := context.Background()
	tests := []struct {
		name    string
		in      awsddb.ScanInput
		want    []string
		count   int32
		scanned int32
		names   string // of the first item
	}{
		{"table", awsddb.ScanInput{}, []string{"a/1", "a/2", "a/3", "a/4", "a/5", "b/1"}, 6, 6, ""},
		{"filter on a key", awsddb.ScanInput{FilterExpression: aws.String("sk > :s AND pk = :p"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":s": rdN("3"), ":p": rdS("a")}}, []string{"a/4", "a/5"}, 2, 6, ""},
		{"scan filter", awsddb.ScanInput{ScanFilter: map[string]types.Condition{"note": {ComparisonOperator: types.ComparisonOperatorBeginsWith, AttributeValueList: []types.AttributeValue{rdS("n")}}},
			AttributesToGet: []string{"pk", "sk", "note"}}, []string{"a/1", "a/2", "a/3", "a/4", "a/5"}, 5, 6, "note,pk,sk"},
		{"projection", awsddb.ScanInput{ProjectionExpression: aws.String("pk, sk, #o"), ExpressionAttributeNames: map[string]string{"#o": "other"}, Limit: aws.Int32(2)},
			[]string{"a/1", "a/2"}, 2, 2, "other,pk,sk"},
		{"count", awsddb.ScanInput{Select: types.SelectCount}, nil, 6, 6, ""},
		{"sparse index", awsddb.ScanInput{IndexName: aws.String("byStatus")}, []string{"a/5", "a/3", "a/1", "b/1"}, 4, 4, "note,other,owner,pk,pos,sk,status"},
		{"keys only index", awsddb.ScanInput{IndexName: aws.String("byOwner")}, []string{"a/1", "a/3", "a/5"}, 3, 3, "owner,pk,sk"},
		{"local index", awsddb.ScanInput{IndexName: aws.String("byAt"), Select: types.SelectAllProjectedAttributes}, []string{"a/5", "a/4", "a/3", "a/2", "a/1", "b/1"}, 6, 6, "note,pk,pos,sk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.TableName = aws.String(rdTable.Name)
			out, err := e.db.Scan(ctx, &in)
			if err != nil {
				t.Fatal(rdErr(err))
			}
			if got := rdKeys(out.Items); !slices.Equal(got, tt.want) {
				t.Errorf("items %q, want %q", got, tt.want)
			}
			if out.Count != tt.count || out.ScannedCount != tt.scanned {
				t.Errorf("count %d scanned %d", out.Count, out.ScannedCount)
			}
			if tt.names != "" && rdNames(out.Items[0]) != tt.names {
				t.Errorf("attributes %s, want %s", rdNames(out.Items[0]), tt.names)
			}
		})
	}
}

func TestScanValidation(t *testing.T) {
	e := rdEnv(t)
	ctx := context.Background()
	tests := []struct {
		name string
		in   awsddb.ScanInput
		want string
	}{
		{"segment without total", awsddb.ScanInput{Segment: aws.Int32(0)},
			"ValidationException: The TotalSegments parameter is required but was not present in the request when Segment parameter is present"},
		{"total without segment", awsddb.ScanInput{TotalSegments: aws.Int32(2)},
			"ValidationException: The Segment parameter is required but was not present in the request when parameter TotalSegments is present"},
		{"segment past total", awsddb.ScanInput{Segment: aws.Int32(2), TotalSegments: aws.Int32(2)},
			"ValidationException: The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 2 is not less than TotalSegments: 2"},
		{"negative segment", awsddb.ScanInput{Segment: aws.Int32(-1), TotalSegments: aws.Int32(2)},
			"ValidationException: 1 validation error detected: Value '-1' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0"},
		{"too many segments", awsddb.ScanInput{Segment: aws.Int32(0), TotalSegments: aws.Int32(1000001)},
			"ValidationException: 1 validation error detected: Value '1000001' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000"},
		{"two constraints", awsddb.ScanInput{Limit: aws.Int32(-1), TotalSegments: aws.Int32(0), Segment: aws.Int32(0)},
			"ValidationException: 2 validation errors detected: Value '-1' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
				"Value '0' at 'totalSegments' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"names without expressions", awsddb.ScanInput{ExpressionAttributeNames: map[string]string{"#a": "a"}},
			"ValidationException: ExpressionAttributeNames can only be specified when using expressions"},
		{"values without filter", awsddb.ScanInput{ProjectionExpression: aws.String("pk"), ExpressionAttributeValues: map[string]types.AttributeValue{":a": rdS("a")}},
			"ValidationException: ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null"},
		{"mixed", awsddb.ScanInput{FilterExpression: aws.String("pk = :a"), ExpressionAttributeValues: map[string]types.AttributeValue{":a": rdS("a")},
			ScanFilter: map[string]types.Condition{"note": {ComparisonOperator: types.ComparisonOperatorNotNull}}},
			"ValidationException: Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}"},
		{"unused name", awsddb.ScanInput{ProjectionExpression: aws.String("pk"), ExpressionAttributeNames: map[string]string{"#a": "a"}},
			"ValidationException: Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}"},
		{"all projected of a table", awsddb.ScanInput{Select: types.SelectAllProjectedAttributes},
			"ValidationException: ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"},
		{"all attributes of include", awsddb.ScanInput{IndexName: aws.String("statusNote"), Select: types.SelectAllAttributes},
			"ValidationException: One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index statusNote because its projection type is not ALL"},
		{"consistent global", awsddb.ScanInput{IndexName: aws.String("byOwner"), ConsistentRead: aws.Bool(true)},
			"ValidationException: Consistent reads are not supported on global secondary indexes"},
		{"unknown index", awsddb.ScanInput{IndexName: aws.String("nope")},
			"ValidationException: The table does not have the specified index: nope"},
		{"start key", awsddb.ScanInput{ExclusiveStartKey: map[string]types.AttributeValue{"pk": rdS("a"), "sk": rdN("1"), "x": rdS("y")}},
			"ValidationException: The provided starting key is invalid: The provided key element does not match the schema"},
		{"start key empty string", awsddb.ScanInput{ExclusiveStartKey: map[string]types.AttributeValue{"pk": rdS(""), "sk": rdN("1")}},
			"ValidationException: The provided starting key is invalid: One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"},
		{"unknown table", awsddb.ScanInput{TableName: aws.String("nope")},
			"ResourceNotFoundException: Requested resource not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.TableName == nil {
				in.TableName = aws.String(rdTable.Name)
			}
			_, err := e.db.Scan(ctx, &in)
			if got := rdErr(err); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestParallelScan: the SDK's paginator over each segment of a parallel
// scan, of the table and of an index, in pages of 1 MB, reads every item
// exactly once.
func TestParallelScan(t *testing.T) {
	e := rdEnv(t)
	big := strings.Repeat("y", 100<<10)
	const n = 40
	for i := range n {
		e.rdPut(t, fmt.Sprint("p", i%9), i, "v", big, "status", fmt.Sprint("s", i%4), "pos", fmt.Sprint("#", i))
	}
	ctx := context.Background()
	for _, index := range []string{"", "byStatus"} {
		seen := map[string]int{}
		pages := 0
		for seg := range int32(3) {
			in := &awsddb.ScanInput{TableName: aws.String(rdTable.Name), Segment: aws.Int32(seg), TotalSegments: aws.Int32(3)}
			if index != "" {
				in.IndexName = aws.String(index)
			}
			for pg := awsddb.NewScanPaginator(e.db, in); pg.HasMorePages(); {
				out, err := pg.NextPage(ctx)
				if err != nil {
					t.Fatal(rdErr(err))
				}
				pages++
				for _, k := range rdKeys(out.Items) {
					seen[k]++
				}
			}
		}
		// 4 MB and more read: at least 4 pages.
		if len(seen) != n || pages < 4 {
			t.Errorf("index %q: %d items in %d pages", index, len(seen), pages)
		}
		for k, c := range seen {
			if c != 1 {
				t.Errorf("index %q: %s read %d times", index, k, c)
			}
		}
	}
}

// TestReadCapacity: ReturnConsumedCapacity counts the bytes read, in 4 KB
// units, halved for eventually consistent reads, on the index read.
func TestReadCapacity(t *testing.T) {
	e := rdEnv(t)
	// 3 items of a little over 5 KB: 15 KB and some, 4 units.
	for i := range 3 {
		e.rdPut(t, "c", i, "v", strings.Repeat("z", 5<<10), "status", "s", "pos", "#1")
	}
	ctx := context.Background()
	out, err := e.db.Scan(ctx, &awsddb.ScanInput{TableName: aws.String(rdTable.Name), ConsistentRead: aws.Bool(true), ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil {
		t.Fatal(rdErr(err))
	}
	if c := out.ConsumedCapacity; c == nil || *c.TableName != rdTable.Name || *c.CapacityUnits != 4 {
		t.Errorf("consistent scan consumed %+v", c)
	}
	q, err := e.db.Query(ctx, &awsddb.QueryInput{TableName: aws.String(rdTable.Name), IndexName: aws.String("byStatus"), KeyConditionExpression: aws.String("#s = :s"),
		ExpressionAttributeNames: map[string]string{"#s": "status"}, ExpressionAttributeValues: map[string]types.AttributeValue{":s": rdS("s")},
		ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes})
	if err != nil {
		t.Fatal(rdErr(err))
	}
	c := q.ConsumedCapacity
	if c == nil || *c.CapacityUnits != 2 || c.GlobalSecondaryIndexes["byStatus"].CapacityUnits == nil || *c.GlobalSecondaryIndexes["byStatus"].CapacityUnits != 2 {
		t.Errorf("index query consumed %+v", c)
	}
	s, err := e.db.Scan(ctx, &awsddb.ScanInput{TableName: aws.String(rdTable.Name)})
	if err != nil || s.ConsumedCapacity != nil {
		t.Errorf("consumed %+v without asking, %v", s.ConsumedCapacity, err)
	}
}
