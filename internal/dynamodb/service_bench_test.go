package dynamodb_test

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// The service's share of PutItem and GetItem, without HTTP, signatures
// or the SDK: request bodies as the SDK writes them, 1 KiB items, the
// real store (bench/dynamodb measures the whole path).

var benchPad = strings.Repeat("x", 1<<10-40)

func benchPutBody(pk string) []byte {
	return []byte(`{"Item":{"n":{"N":"0"},"pad":{"S":"` + benchPad + `"},"pk":{"S":"` + pk + `"},"sk":{"N":"0"}},"TableName":"bench"}`)
}

// benchTable is an endpoint with the table "bench" of bench/dynamodb.
func benchTable(tb testing.TB) *env {
	e := newEnv(tb, store.Options{})
	_, err := e.db.CreateTable(context.Background(), &awsddb.CreateTableInput{TableName: aws.String("bench"), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN}},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}}})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func BenchmarkServicePutItem(b *testing.B) {
	e := benchTable(b)
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := benchPutBody("new-" + strconv.FormatInt(next.Add(1), 10))
			if _, err := e.svc.Do(context.Background(), "PutItem", false, body); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkServiceGetItem(b *testing.B) {
	e := benchTable(b)
	const items = 1000
	for i := range items {
		if _, err := e.svc.Do(context.Background(), "PutItem", false, benchPutBody("item-"+strconv.Itoa(i))); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := []byte(`{"Key":{"pk":{"S":"item-` + strconv.FormatInt(next.Add(1)%items, 10) + `"},"sk":{"N":"0"}},"TableName":"bench"}`)
			out, err := e.svc.Do(context.Background(), "GetItem", false, body)
			if err != nil || len(out) < 1<<10 {
				b.Fatalf("GetItem: %d bytes, %v", len(out), err)
			}
		}
	})
}
