package dynamodb_test

import (
	"context"
	"errors"
	"testing"

	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// TestHarness: the SDK reaches the service through awsapi, and an error
// comes back in DynamoDB's shape.
func TestHarness(t *testing.T) {
	e := newEnv(t, store.Options{})
	_, err := e.db.DescribeTable(context.Background(), &awsddb.DescribeTableInput{TableName: new("nope")})
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an API error", err)
	}
	if len(e.requests()) == 0 || e.requests()[0].Operation != "DescribeTable" {
		t.Fatalf("authorization requests %+v", e.requests())
	}
}
