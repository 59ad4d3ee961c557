package dynamodb_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// TestDeleteUndeclared: of the tables a stack no longer declares, those
// it made are deleted, unless protected against deletion since; a table
// made through the API, or still declared, is kept.
func TestDeleteUndeclared(t *testing.T) {
	e := newEnv(t, store.Options{TTLInterval: -1})
	ctx := context.Background()
	key := store.KeySchema{Partition: store.Attr{Name: "pk", Type: "S"}}
	for _, n := range []string{"stk-kept", "stk-gone", "stk-prot"} {
		if err := e.svc.Declare(ctx, store.TableConfig{Name: n, Key: key}, nil); err != nil {
			t.Fatal(err)
		}
	}
	need[*awsddb.CreateTableOutput](t)(e.db.CreateTable(ctx, onDemand("api-made")))
	need[*awsddb.UpdateTableOutput](t)(e.db.UpdateTable(ctx, &awsddb.UpdateTableInput{TableName: aws.String("stk-prot"), DeletionProtectionEnabled: aws.Bool(true)}))
	deleted, err := e.svc.DeleteUndeclared(ctx, []string{"stk-kept"})
	if err == nil {
		t.Error("a protected table was dropped without an error")
	}
	if !slices.Equal(deleted, []string{"stk-gone"}) {
		t.Errorf("deleted %v, want stk-gone", deleted)
	}
	if got := e.st.Tables(); !slices.Equal(got, []string{"api-made", "stk-kept", "stk-prot"}) {
		t.Errorf("tables %v", got)
	}
}
