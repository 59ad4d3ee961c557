package dynamodb_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/dynamodb"
	"github.com/verge-edge/verge/internal/dynamodb/store"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/killtest"
)

// transactKillEnv names the store folder of TestTransactKill's child.
const transactKillEnv = "VERGE_DYNAMODB_TRANSACT_KILL_HELPER"

// killTxItems is the number of items of each of the child's transactions.
const killTxItems = 10

// TestTransactKill: a process serves the API and writes transactions
// through the SDK in a loop, printing each acknowledged one, and is killed
// with SIGKILL as it starts the next (a transaction of ten items is one
// batch that takes milliseconds to publish, so the kill usually lands in
// one). After a restart every acknowledged transaction is there whole,
// every other whole or not at all, and the stream shows each item written
// once.
func TestTransactKill(t *testing.T) {
	if dir, ok := killtest.Child(transactKillEnv); ok {
		transactKillChild(t, dir)
		return
	}
	dir := t.TempDir()
	cmd, out := killtest.Start(t, transactKillEnv, "TestTransactKill", dir)
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	acked := 0
	deadline := time.After(120 * time.Second)
	for acked < 20 {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the child ended")
			}
			if f := strings.Fields(l); len(f) == 2 && f[0] == "tx" {
				acked++
			}
		case <-deadline:
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("only %d transactions acknowledged", acked)
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	st, err := store.Open(ctx, store.Options{JetStream: b.JetStream(), Size: dynamodb.ItemSize, TTLInterval: -1, CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	written := map[string]bool{}
	for tx := 0; tx < acked+2; tx++ {
		count := 0
		for i := range killTxItems {
			id := fmt.Sprint("tx", tx, "-", i)
			it, _, err := st.Get(ctx, "tbl", []byte(`{"id":{"S":"`+id+`"}}`))
			if err != nil {
				t.Fatal(err)
			}
			if it != nil {
				count++
				written[`{"id":{"S":"`+id+`"}}`] = true
			}
		}
		switch {
		case tx < acked && count != killTxItems:
			t.Errorf("acknowledged transaction %d: %d of its %d items after kill -9", tx, count, killTxItems)
		case count != 0 && count != killTxItems:
			t.Errorf("transaction %d: %d of its %d items after kill -9", tx, count, killTxItems)
		}
	}
	seen := map[string]int{}
	var after uint64
	for {
		r, err := st.ReadStream(ctx, "tbl", after, 1000, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range r.Records {
			if rec.Event != store.EventInsert {
				t.Errorf("record %s of %s", rec.Event, rec.Keys)
			}
			seen[string(rec.Keys)]++
		}
		if r.Next == after {
			break
		}
		after = r.Next
	}
	if len(seen) != len(written) {
		t.Errorf("%d items in the stream, %d written", len(seen), len(written))
	}
	for k, n := range seen {
		if n != 1 || !written[k] {
			t.Errorf("%s: %d records, written %v", k, n, written[k])
		}
	}
}

// transactKillChild serves the API on a store in dir and writes
// transactions of killTxItems new items through the SDK until killed,
// printing "tx N" as each is acknowledged.
func transactKillChild(t *testing.T, dir string) {
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, store.Options{JetStream: b.JetStream(), Size: dynamodb.ItemSize, TTLInterval: -1, CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateTable(ctx, store.TableConfig{Name: "tbl", Key: store.KeySchema{Partition: store.Attr{Name: "id", Type: store.TypeS}},
		StreamView: store.ViewNewAndOldImages}); err != nil {
		t.Fatal(err)
	}
	svc := dynamodb.New(dynamodb.Options{Store: st})
	ids := identity.New([]byte("0123456789abcdef0123456789abcdef"), testToken)
	srv := httptest.NewServer(awsapi.New(awsapi.Options{Identities: ids, Authorizer: allowAll{}}, awsapi.DynamoDB(awsapi.Fixed(svc))))
	db := awsddb.New(awsddb.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKID", testToken, "")})
	for tx := 0; ; tx++ {
		var items []types.TransactWriteItem
		for i := range killTxItems {
			items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: aws.String("tbl"), Item: key(fmt.Sprint("tx", tx, "-", i)),
				ConditionExpression: aws.String("attribute_not_exists(id)")}})
		}
		if _, err := db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{TransactItems: items}); err != nil {
			t.Fatal(err)
		}
		fmt.Println("tx", tx)
	}
}

// allowAll authorizes every request.
type allowAll struct{}

func (allowAll) Authorize(context.Context, awsapi.Request) error { return nil }
