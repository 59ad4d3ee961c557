package dynamodb_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// TestUpdateTableInvalid: UpdateTable's refusals, word for word.
func TestUpdateTableInvalid(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(ctx, onDemand("upd")))
	pt := &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(3), WriteCapacityUnits: aws.Int64(4)}
	create := func(name, key string) types.GlobalSecondaryIndexUpdate {
		return types.GlobalSecondaryIndexUpdate{Create: &types.CreateGlobalSecondaryIndexAction{IndexName: aws.String(name), KeySchema: keys(key),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}
	}
	tests := []struct {
		name string
		in   awsddb.UpdateTableInput
		code string
		msg  string
	}{
		{"nothing", awsddb.UpdateTableInput{}, "ValidationException",
			"At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"},
		{"throughput on demand", awsddb.UpdateTableInput{ProvisionedThroughput: pt}, "ValidationException",
			"One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"},
		{"provisioned without throughput", awsddb.UpdateTableInput{BillingMode: types.BillingModeProvisioned}, "ValidationException",
			"One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED"},
		{"protection and more", awsddb.UpdateTableInput{DeletionProtectionEnabled: aws.Bool(true), BillingMode: types.BillingModePayPerRequest}, "ValidationException",
			"One or more parameter values were invalid: DeletionProtection modification must be the only operation in the request"},
		{"stream without view", awsddb.UpdateTableInput{StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true)}}, "ValidationException",
			"One or more parameter values were invalid: If stream is being enabled then UpdateViewType is required"},
		{"two index changes", awsddb.UpdateTableInput{AttributeDefinitions: defs("a", "S", "b", "S"),
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{create("gia", "a"), create("gib", "b")}}, "LimitExceededException",
			"Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table"},
		{"index without definitions", awsddb.UpdateTableInput{GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{create("gia", "a")}}, "ValidationException",
			"One or more parameter values were invalid: AttributeDefinitions is not specified for index: gia"},
		{"delete missing index", awsddb.UpdateTableInput{GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{
			{Delete: &types.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("nope")}}}}, "ResourceNotFoundException",
			"Requested resource not found: Index: nope not found"},
		{"index and stream", awsddb.UpdateTableInput{AttributeDefinitions: defs("a", "S"),
			StreamSpecification:         &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly},
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{create("gia", "a")}}, "ValidationException",
			"One or more parameter values were invalid: You cannot create or delete index while changing stream status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.TableName = aws.String("upd")
			_, err := e.db.UpdateTable(ctx, &in)
			wantError(t, err, tt.code, tt.msg)
		})
	}
	d := need[*awsddb.DescribeTableOutput](t)(e.db.DescribeTable(ctx, &awsddb.DescribeTableInput{TableName: aws.String("upd")})).Table
	if d.StreamSpecification != nil || len(d.GlobalSecondaryIndexes) != 0 || d.BillingModeSummary.BillingMode != types.BillingModePayPerRequest {
		t.Errorf("refused updates changed the table: %+v", d)
	}
}

// TestUpdateTableBilling: switching billing modes and throughput, and
// deletion protection on and off.
func TestUpdateTableBilling(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(ctx, onDemand("bill")))
	pt := &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(3), WriteCapacityUnits: aws.Int64(4)}
	d := need[*awsddb.UpdateTableOutput](t)(e.db.UpdateTable(ctx, &awsddb.UpdateTableInput{TableName: aws.String("bill"),
		BillingMode: types.BillingModeProvisioned, ProvisionedThroughput: pt})).TableDescription
	if d.BillingModeSummary == nil || d.BillingModeSummary.BillingMode != types.BillingModeProvisioned || aws.ToInt64(d.ProvisionedThroughput.WriteCapacityUnits) != 4 {
		t.Errorf("provisioned: %+v %+v", d.BillingModeSummary, d.ProvisionedThroughput)
	}
	_, err := e.db.UpdateTable(ctx, &awsddb.UpdateTableInput{TableName: aws.String("bill"), ProvisionedThroughput: pt})
	wantError(t, err, "ValidationException", "The provisioned throughput for the table will not change. The requested value equals the current value. "+
		"Current ReadCapacityUnits provisioned for the table: 3. Requested ReadCapacityUnits: 3. Current WriteCapacityUnits provisioned for the table: 4. "+
		"Requested WriteCapacityUnits: 4. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.")
	need[*awsddb.UpdateTableOutput](t)(e.db.UpdateTable(ctx, &awsddb.UpdateTableInput{TableName: aws.String(arn.Table("bill")), DeletionProtectionEnabled: aws.Bool(true)}))
	_, err = e.db.DeleteTable(ctx, &awsddb.DeleteTableInput{TableName: aws.String("bill")})
	wantError(t, err, "ValidationException", "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
	need[*awsddb.UpdateTableOutput](t)(e.db.UpdateTable(ctx, &awsddb.UpdateTableInput{TableName: aws.String("bill"), DeletionProtectionEnabled: aws.Bool(false)}))
	d = need[*awsddb.UpdateTableOutput](t)(e.db.UpdateTable(ctx, &awsddb.UpdateTableInput{TableName: aws.String("bill"), BillingMode: types.BillingModePayPerRequest})).TableDescription
	if d.BillingModeSummary.BillingMode != types.BillingModePayPerRequest || aws.ToInt64(d.ProvisionedThroughput.ReadCapacityUnits) != 0 {
		t.Errorf("on demand again: %+v %+v", d.BillingModeSummary, d.ProvisionedThroughput)
	}
	need[*awsddb.DeleteTableOutput](t)(e.db.DeleteTable(ctx, &awsddb.DeleteTableInput{TableName: aws.String("bill")}))
}

// TestUpdateTableBillingIndexes: a table with a global index switched to
// PROVISIONED needs the index's throughput in the same request.
func TestUpdateTableBillingIndexes(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	in := onDemand("billix")
	in.AttributeDefinitions = defs("pk", "S", "g", "S")
	in.GlobalSecondaryIndexes = []types.GlobalSecondaryIndex{{IndexName: aws.String("byG"), KeySchema: keys("g"),
		Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}}
	need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(ctx, in))
	pt := &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(3), WriteCapacityUnits: aws.Int64(4)}
	_, err := e.db.UpdateTable(ctx, &awsddb.UpdateTableInput{TableName: aws.String("billix"), BillingMode: types.BillingModeProvisioned, ProvisionedThroughput: pt})
	wantError(t, err, "ValidationException", "One or more parameter values were invalid: ProvisionedThroughput must be specified for index: byG")
	ipt := &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(6)}
	d := need[*awsddb.UpdateTableOutput](t)(e.db.UpdateTable(ctx, &awsddb.UpdateTableInput{TableName: aws.String("billix"), BillingMode: types.BillingModeProvisioned,
		ProvisionedThroughput: pt, GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Update: &types.UpdateGlobalSecondaryIndexAction{
			IndexName: aws.String("byG"), ProvisionedThroughput: ipt}}}})).TableDescription
	if g := d.GlobalSecondaryIndexes[0].ProvisionedThroughput; aws.ToInt64(g.ReadCapacityUnits) != 5 || aws.ToInt64(d.ProvisionedThroughput.ReadCapacityUnits) != 3 {
		t.Errorf("index %+v table %+v", g, d.ProvisionedThroughput)
	}
}

// TestUpdateTableIndexes: a global index created on a table with items
// is filled from them and described; deleting it removes it.
func TestUpdateTableIndexes(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(ctx, onDemand("gsi")))
	for _, item := range []string{`{"pk":{"S":"a"},"g":{"S":"x"}}`, `{"pk":{"S":"b"},"g":{"S":"x"}}`, `{"pk":{"S":"c"}}`} {
		if _, err := e.st.Put(ctx, "gsi", []byte(item), nil); err != nil {
			t.Fatal(err)
		}
	}
	d := need[*awsddb.UpdateTableOutput](t)(e.db.UpdateTable(ctx, &awsddb.UpdateTableInput{TableName: aws.String("gsi"), AttributeDefinitions: defs("g", "S"),
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName: aws.String("byG"), KeySchema: keys("g"), Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}}}}})).TableDescription
	if len(d.GlobalSecondaryIndexes) != 1 || aws.ToInt64(d.GlobalSecondaryIndexes[0].ItemCount) != 2 ||
		!slices.ContainsFunc(d.AttributeDefinitions, func(a types.AttributeDefinition) bool { return aws.ToString(a.AttributeName) == "g" }) {
		t.Fatalf("after create: %+v %+v", d.GlobalSecondaryIndexes, d.AttributeDefinitions)
	}
	_, err := e.db.UpdateTable(ctx, &awsddb.UpdateTableInput{TableName: aws.String("gsi"), AttributeDefinitions: defs("g", "S"),
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName: aws.String("byG"), KeySchema: keys("g"), Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly}}}}})
	wantError(t, err, "ValidationException", "Attempting to create an index which already exists")
	d = need[*awsddb.UpdateTableOutput](t)(e.db.UpdateTable(ctx, &awsddb.UpdateTableInput{TableName: aws.String("gsi"),
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Delete: &types.DeleteGlobalSecondaryIndexAction{IndexName: aws.String("byG")}}}})).TableDescription
	if len(d.GlobalSecondaryIndexes) != 0 || len(d.AttributeDefinitions) != 1 || aws.ToInt64(d.ItemCount) != 3 {
		t.Errorf("after delete: %+v %+v items %d", d.GlobalSecondaryIndexes, d.AttributeDefinitions, aws.ToInt64(d.ItemCount))
	}
}

// TestTimeToLive: enabling, describing and disabling TTL, with AWS's
// refusals of repeats.
func TestTimeToLive(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(ctx, onDemand("ttlt")))
	update := func(attr string, on bool) (*awsddb.UpdateTimeToLiveOutput, error) {
		return e.db.UpdateTimeToLive(ctx, &awsddb.UpdateTimeToLiveInput{TableName: aws.String("ttlt"),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(attr), Enabled: aws.Bool(on)}})
	}
	status := func() types.TimeToLiveDescription {
		return *need[*awsddb.DescribeTimeToLiveOutput](t)(e.db.DescribeTimeToLive(ctx, &awsddb.DescribeTimeToLiveInput{TableName: aws.String("ttlt")})).TimeToLiveDescription
	}
	if d := status(); d.TimeToLiveStatus != types.TimeToLiveStatusDisabled || d.AttributeName != nil {
		t.Errorf("initially %+v", d)
	}
	_, err := update("exp", false)
	wantError(t, err, "ValidationException", "TimeToLive is already disabled")
	out := need[*awsddb.UpdateTimeToLiveOutput](t)(update("exp", true))
	if aws.ToString(out.TimeToLiveSpecification.AttributeName) != "exp" || !aws.ToBool(out.TimeToLiveSpecification.Enabled) {
		t.Errorf("answer %+v", out.TimeToLiveSpecification)
	}
	if d := status(); d.TimeToLiveStatus != types.TimeToLiveStatusEnabled || aws.ToString(d.AttributeName) != "exp" {
		t.Errorf("enabled %+v", d)
	}
	_, err = update("exp", true)
	wantError(t, err, "ValidationException", "TimeToLive is already enabled")
	_, err = update("other", true)
	wantError(t, err, "ValidationException", "TimeToLive is active on a different AttributeName: current AttributeName is exp")
	need[*awsddb.UpdateTimeToLiveOutput](t)(update("exp", false))
	if d := status(); d.TimeToLiveStatus != types.TimeToLiveStatusDisabled {
		t.Errorf("disabled %+v", d)
	}
}

// TestTags: TagResource, UntagResource and ListTagsOfResource by table
// ARN, with AWS's refusals.
func TestTags(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	in := onDemand("tagged")
	in.Tags = []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}
	need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(ctx, in))
	res := aws.String(arn.Table("tagged"))
	list := func() []string {
		var s []string
		for _, tg := range need[*awsddb.ListTagsOfResourceOutput](t)(e.db.ListTagsOfResource(ctx, &awsddb.ListTagsOfResourceInput{ResourceArn: res})).Tags {
			s = append(s, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
		}
		return s
	}
	if got := list(); !slices.Equal(got, []string{"a=1"}) {
		t.Errorf("created with %v", got)
	}
	need[*awsddb.TagResourceOutput](t)(e.db.TagResource(ctx, &awsddb.TagResourceInput{ResourceArn: res,
		Tags: []types.Tag{{Key: aws.String("b"), Value: aws.String("2")}, {Key: aws.String("a"), Value: aws.String("3")}}}))
	if got := list(); !slices.Equal(got, []string{"a=3", "b=2"}) {
		t.Errorf("tagged: %v", got)
	}
	need[*awsddb.UntagResourceOutput](t)(e.db.UntagResource(ctx, &awsddb.UntagResourceInput{ResourceArn: res, TagKeys: []string{"a", "zz"}}))
	if got := list(); !slices.Equal(got, []string{"b=2"}) {
		t.Errorf("untagged: %v", got)
	}
	missing := arn.Table("nope")
	_, err := e.db.TagResource(ctx, &awsddb.TagResourceInput{ResourceArn: aws.String(missing), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantError(t, err, "ResourceNotFoundException", "Requested resource not found: ResourcArn: "+missing+" not found")
	_, err = e.db.ListTagsOfResource(ctx, &awsddb.ListTagsOfResourceInput{ResourceArn: aws.String("tagged")})
	wantError(t, err, "ValidationException", "One or more parameter values were invalid: ARNs must start with 'arn:': tagged")
	_, err = e.db.TagResource(ctx, &awsddb.TagResourceInput{ResourceArn: res, Tags: []types.Tag{}})
	wantError(t, err, "ValidationException", "Atleast one Tag needs to be provided as Input.")
}

// TestLimitsEndpoints: DescribeLimits and DescribeEndpoints answer what
// the SDK reads.
func TestLimitsEndpoints(t *testing.T) {
	e := newEnv(t, store.Options{})
	ctx := context.Background()
	l := need[*awsddb.DescribeLimitsOutput](t)(e.db.DescribeLimits(ctx, &awsddb.DescribeLimitsInput{}))
	if aws.ToInt64(l.TableMaxWriteCapacityUnits) != 40000 || aws.ToInt64(l.AccountMaxReadCapacityUnits) != 80000 {
		t.Errorf("limits %+v", l)
	}
	ep := need[*awsddb.DescribeEndpointsOutput](t)(e.db.DescribeEndpoints(ctx, &awsddb.DescribeEndpointsInput{}))
	if len(ep.Endpoints) != 1 || aws.ToString(ep.Endpoints[0].Address) != "dynamodb.us-east-1.amazonaws.com" || ep.Endpoints[0].CachePeriodInMinutes != 1440 {
		t.Errorf("endpoints %+v", ep.Endpoints)
	}
}
