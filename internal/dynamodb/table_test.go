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

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

func need[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// keys is a key schema of a hash key and an optional range key.
func keys(hash string, rng ...string) []types.KeySchemaElement {
	k := []types.KeySchemaElement{{AttributeName: aws.String(hash), KeyType: types.KeyTypeHash}}
	for _, r := range rng {
		k = append(k, types.KeySchemaElement{AttributeName: aws.String(r), KeyType: types.KeyTypeRange})
	}
	return k
}

// defs are attribute definitions of name/type pairs.
func defs(pairs ...string) []types.AttributeDefinition {
	var out []types.AttributeDefinition
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, types.AttributeDefinition{AttributeName: aws.String(pairs[i]), AttributeType: types.ScalarAttributeType(pairs[i+1])})
	}
	return out
}

// onDemand is a CreateTable input of an on-demand table keyed on pk (S).
func onDemand(name string) *awsddb.CreateTableInput {
	return &awsddb.CreateTableInput{TableName: aws.String(name), KeySchema: keys("pk"), AttributeDefinitions: defs("pk", "S"),
		BillingMode: types.BillingModePayPerRequest}
}

// TestCreateDescribeTable: what CreateTable takes is what DescribeTable
// describes, with indexes, stream, class, protection and SSE.
func TestCreateDescribeTable(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	in := &awsddb.CreateTableInput{
		TableName:             aws.String("orders"),
		KeySchema:             keys("pk", "sk"),
		AttributeDefinitions:  defs("pk", "S", "sk", "N", "gpk", "S", "lsk", "B"),
		BillingMode:           types.BillingModeProvisioned,
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(7)},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName: aws.String("byG"), KeySchema: keys("gpk", "sk"),
			Projection:            &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: []string{"x", "y"}},
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(2)},
		}},
		LocalSecondaryIndexes: []types.LocalSecondaryIndex{{
			IndexName: aws.String("byL"), KeySchema: keys("pk", "lsk"), Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}},
		StreamSpecification:       &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages},
		Tags:                      []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}},
		TableClass:                types.TableClassStandardInfrequentAccess,
		DeletionProtectionEnabled: aws.Bool(true),
		SSESpecification:          &types.SSESpecification{Enabled: aws.Bool(true)},
	}
	created := need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(ctx, in)).TableDescription
	got := need[*awsddb.DescribeTableOutput](t)(e.db.DescribeTable(ctx, &awsddb.DescribeTableInput{TableName: aws.String("orders")})).Table
	for _, d := range []*types.TableDescription{created, got} {
		if d.TableStatus != types.TableStatusActive || aws.ToString(d.TableArn) != arn.Table("orders") || aws.ToString(d.TableId) == "" || d.CreationDateTime == nil {
			t.Errorf("status %s arn %s id %s created %v", d.TableStatus, aws.ToString(d.TableArn), aws.ToString(d.TableId), d.CreationDateTime)
		}
		if len(d.AttributeDefinitions) != 4 || len(d.KeySchema) != 2 || d.KeySchema[1].KeyType != types.KeyTypeRange {
			t.Errorf("definitions %+v key %+v", d.AttributeDefinitions, d.KeySchema)
		}
		if pt := d.ProvisionedThroughput; aws.ToInt64(pt.ReadCapacityUnits) != 5 || aws.ToInt64(pt.WriteCapacityUnits) != 7 {
			t.Errorf("throughput %+v", pt)
		}
		if len(d.GlobalSecondaryIndexes) != 1 || len(d.LocalSecondaryIndexes) != 1 {
			t.Fatalf("indexes %+v %+v", d.GlobalSecondaryIndexes, d.LocalSecondaryIndexes)
		}
		g := d.GlobalSecondaryIndexes[0]
		if g.IndexStatus != types.IndexStatusActive || aws.ToString(g.IndexArn) != arn.Table("orders")+"/index/byG" ||
			!slices.Equal(g.Projection.NonKeyAttributes, []string{"x", "y"}) || aws.ToInt64(g.ProvisionedThroughput.WriteCapacityUnits) != 2 {
			t.Errorf("global index %+v", g)
		}
		if l := d.LocalSecondaryIndexes[0]; l.Projection.ProjectionType != types.ProjectionTypeKeysOnly || aws.ToString(l.KeySchema[1].AttributeName) != "lsk" {
			t.Errorf("local index %+v", l)
		}
		if d.StreamSpecification == nil || d.StreamSpecification.StreamViewType != types.StreamViewTypeNewAndOldImages ||
			!strings.HasPrefix(aws.ToString(d.LatestStreamArn), arn.Table("orders")+"/stream/") || aws.ToString(d.LatestStreamLabel) == "" {
			t.Errorf("stream %+v %s %s", d.StreamSpecification, aws.ToString(d.LatestStreamArn), aws.ToString(d.LatestStreamLabel))
		}
		if !aws.ToBool(d.DeletionProtectionEnabled) || d.TableClassSummary == nil || d.TableClassSummary.TableClass != types.TableClassStandardInfrequentAccess ||
			d.SSEDescription == nil || d.SSEDescription.Status != types.SSEStatusEnabled {
			t.Errorf("protection %v class %+v sse %+v", d.DeletionProtectionEnabled, d.TableClassSummary, d.SSEDescription)
		}
	}
	_, err := e.db.CreateTable(ctx, in)
	wantError(t, err, "ResourceInUseException", "Table already exists: orders")
	_, err = e.db.DeleteTable(ctx, &awsddb.DeleteTableInput{TableName: aws.String("orders")})
	wantError(t, err, "ValidationException", "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
}

// TestOnDemandDescription: an on-demand table shows zero throughput and
// its billing mode, as AWS.
func TestOnDemandDescription(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	d := need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(ctx, onDemand("tab1"))).TableDescription
	if d.BillingModeSummary == nil || d.BillingModeSummary.BillingMode != types.BillingModePayPerRequest {
		t.Errorf("billing %+v", d.BillingModeSummary)
	}
	if pt := d.ProvisionedThroughput; pt == nil || aws.ToInt64(pt.ReadCapacityUnits) != 0 || aws.ToInt64(pt.NumberOfDecreasesToday) != 0 {
		t.Errorf("throughput %+v", pt)
	}
	if d.StreamSpecification != nil || d.LatestStreamArn != nil || aws.ToBool(d.DeletionProtectionEnabled) || d.TableClassSummary != nil {
		t.Errorf("unasked for: %+v %v %v %+v", d.StreamSpecification, d.LatestStreamArn, d.DeletionProtectionEnabled, d.TableClassSummary)
	}
}

// TestCreateTableInvalid: AWS's checks of CreateTable, word for word.
func TestCreateTableInvalid(t *testing.T) {
	pt := &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}
	gsi := func(name string, k []types.KeySchemaElement) types.GlobalSecondaryIndex {
		return types.GlobalSecondaryIndex{IndexName: aws.String(name), KeySchema: k, Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}
	}
	lsi := func(name string, k []types.KeySchemaElement) types.LocalSecondaryIndex {
		return types.LocalSecondaryIndex{IndexName: aws.String(name), KeySchema: k, Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}
	}
	tests := []struct {
		name string
		edit func(*awsddb.CreateTableInput)
		msg  string
	}{
		{"short name", func(in *awsddb.CreateTableInput) { in.TableName = aws.String("ab") },
			"1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3"},
		{"bad name and type", func(in *awsddb.CreateTableInput) {
			in.TableName = aws.String("a b!")
			in.AttributeDefinitions = defs("pk", "X")
		}, "2 validation errors detected: Value 'X' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]; " +
			"Value 'a b!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"},
		{"throughput on demand", func(in *awsddb.CreateTableInput) { in.ProvisionedThroughput = pt },
			"One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"},
		{"provisioned without", func(in *awsddb.CreateTableInput) { in.BillingMode = "" },
			"One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"},
		{"out of bounds", func(in *awsddb.CreateTableInput) {
			in.BillingMode = ""
			in.ProvisionedThroughput = &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1_000_000_000_001), WriteCapacityUnits: aws.Int64(1)}
		}, "Given value 1000000000001 for ReadCapacityUnits is out of bounds"},
		{"undefined key", func(in *awsddb.CreateTableInput) { in.KeySchema = keys("pk", "sk") },
			"Invalid KeySchema: Some index key attribute have no definition"},
		{"key not defined", func(in *awsddb.CreateTableInput) { in.KeySchema = keys("zz") },
			"One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [zz], AttributeDefinitions: [pk]"},
		{"same name", func(in *awsddb.CreateTableInput) {
			in.KeySchema = keys("pk", "pk")
			in.AttributeDefinitions = defs("pk", "S", "b", "S")
		}, "Both the Hash Key and the Range Key element in the KeySchema have the same name"},
		{"range first", func(in *awsddb.CreateTableInput) {
			in.KeySchema = []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeRange}}
		}, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"},
		{"unused, no index", func(in *awsddb.CreateTableInput) { in.AttributeDefinitions = defs("pk", "S", "b", "S") },
			"One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"},
		{"unused with index", func(in *awsddb.CreateTableInput) {
			in.AttributeDefinitions = defs("pk", "S", "b", "S", "a", "N")
			in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{gsi("gi1", keys("b"))}
		}, "One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [a, b, pk], keys used: [b, pk]"},
		{"index key undefined", func(in *awsddb.CreateTableInput) {
			in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{gsi("gi1", keys("q"))}
		}, "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [q], AttributeDefinitions: [pk]"},
		{"lsi without range", func(in *awsddb.CreateTableInput) {
			in.AttributeDefinitions = defs("pk", "S", "b", "S")
			in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{lsi("li1", keys("pk", "b"))}
		}, "One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"},
		{"lsi other hash", func(in *awsddb.CreateTableInput) {
			in.KeySchema = keys("pk", "sk")
			in.AttributeDefinitions = defs("pk", "S", "sk", "S", "b", "S")
			in.LocalSecondaryIndexes = []types.LocalSecondaryIndex{lsi("li1", keys("b", "sk"))}
		}, "One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: li1. index hash key: b, table hash key: pk"},
		{"duplicate index", func(in *awsddb.CreateTableInput) {
			in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{gsi("gi1", keys("pk")), gsi("gi1", keys("pk"))}
		}, "One or more parameter values were invalid: Duplicate index name: gi1"},
		{"too many gsis", func(in *awsddb.CreateTableInput) {
			for i := range 21 {
				in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, gsi(fmt.Sprintf("gi%d", i), keys("pk")))
			}
		}, "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20"},
		{"include without attributes", func(in *awsddb.CreateTableInput) {
			g := gsi("gi1", keys("pk"))
			g.Projection.ProjectionType = types.ProjectionTypeInclude
			in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{g}
		}, "One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified"},
		{"gsi throughput on demand", func(in *awsddb.CreateTableInput) {
			g := gsi("gi1", keys("pk"))
			g.ProvisionedThroughput = pt
			in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{g}
		}, "One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: gi1 when BillingMode is PAY_PER_REQUEST"},
		{"stream without view", func(in *awsddb.CreateTableInput) {
			in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true)}
		}, "One or more parameter values were invalid: Table is being created with a stream enabled, UpdateViewType is required"},
		{"bad class", func(in *awsddb.CreateTableInput) { in.TableClass = "GLACIER" },
			"Invalid table-class parameter provided. Please try again with a valid table-class value: [STANDARD, STANDARD_INFREQUENT_ACCESS]."},
		{"aws tag", func(in *awsddb.CreateTableInput) {
			in.Tags = []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}
		},
			"Tag Key cannot be prefixed with aws:, Key: aws:x"},
	}
	e := newEnv(t, store.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := onDemand("tbl")
			tt.edit(in)
			_, err := e.db.CreateTable(context.Background(), in)
			wantError(t, err, "ValidationException", tt.msg)
		})
	}
	if n := len(e.st.Tables()); n != 0 {
		t.Errorf("%d tables made by refused requests", n)
	}
}

// TestDescribeDeleteMissing: the control plane's not-found messages.
func TestDescribeDeleteMissing(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	_, err := e.db.DescribeTable(ctx, &awsddb.DescribeTableInput{TableName: aws.String("nope")})
	wantError(t, err, "ResourceNotFoundException", "Requested resource not found: Table: nope not found")
	_, err = e.db.DeleteTable(ctx, &awsddb.DeleteTableInput{TableName: aws.String("nope")})
	wantError(t, err, "ResourceNotFoundException", "Requested resource not found: Table: nope not found")
	_, err = e.db.DescribeTimeToLive(ctx, &awsddb.DescribeTimeToLiveInput{TableName: aws.String("nope")})
	wantError(t, err, "ResourceNotFoundException", "Requested resource not found: Table: nope not found")
}

// TestDeleteTable: DeleteTable answers the table DELETING, and it is
// gone: a table made again under the name is new and empty.
func TestDeleteTable(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	first := need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(ctx, onDemand("gone"))).TableDescription
	if _, err := e.st.Put(ctx, "gone", []byte(`{"pk":{"S":"a"}}`), nil); err != nil {
		t.Fatal(err)
	}
	d := need[*awsddb.DeleteTableOutput](t)(e.db.DeleteTable(ctx, &awsddb.DeleteTableInput{TableName: aws.String("gone")})).TableDescription
	if d.TableStatus != types.TableStatusDeleting || aws.ToInt64(d.ItemCount) != 1 {
		t.Errorf("deleted: status %s items %d", d.TableStatus, aws.ToInt64(d.ItemCount))
	}
	_, err := e.db.DescribeTable(ctx, &awsddb.DescribeTableInput{TableName: aws.String("gone")})
	wantError(t, err, "ResourceNotFoundException", "")
	again := need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(ctx, onDemand("gone"))).TableDescription
	if aws.ToString(again.TableId) == aws.ToString(first.TableId) || aws.ToInt64(again.ItemCount) != 0 {
		t.Errorf("made again: id %s (was %s), %d items", aws.ToString(again.TableId), aws.ToString(first.TableId), aws.ToInt64(again.ItemCount))
	}
}

// TestListTables: pages by Limit and ExclusiveStartTableName, in name
// order.
func TestListTables(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	want := []string{"t-a", "t-b", "t-c", "t-d", "t-e"}
	for _, n := range []string{"t-c", "t-a", "t-e", "t-b", "t-d"} {
		need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(ctx, onDemand(n)))
	}
	var got []string
	var pages int
	p := awsddb.NewListTablesPaginator(e.db, &awsddb.ListTablesInput{Limit: aws.Int32(2)})
	for p.HasMorePages() {
		out := need[*awsddb.ListTablesOutput](t)(p.NextPage(ctx))
		got = append(got, out.TableNames...)
		pages++
	}
	if !slices.Equal(got, want) || pages != 3 {
		t.Errorf("tables %v in %d pages", got, pages)
	}
	out := need[*awsddb.ListTablesOutput](t)(e.db.ListTables(ctx, &awsddb.ListTablesInput{ExclusiveStartTableName: aws.String("t-bb")}))
	if !slices.Equal(out.TableNames, want[2:]) || out.LastEvaluatedTableName != nil {
		t.Errorf("after t-bb: %v, last %v", out.TableNames, out.LastEvaluatedTableName)
	}
	_, err := e.db.ListTables(ctx, &awsddb.ListTablesInput{Limit: aws.Int32(101)})
	wantError(t, err, "ValidationException", "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100")
}
