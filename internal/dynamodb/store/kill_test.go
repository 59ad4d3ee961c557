package store

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/killtest"
)

// killEnv names the store folder of the helper process TestKill starts.
const killEnv = "VERGE_DYNAMODB_KILL_HELPER"

// txSize is the number of items of each of the helper's transactions.
const txSize = 10

// TestKill: a process writes items and transactions in a loop, printing
// each acknowledged one, then starts a transaction and is killed with
// SIGKILL halfway through publishing its batch. After a restart every
// acknowledged write is there, every transaction is there whole or not
// at all (the half-published one not at all), and the stream holds one
// INSERT per item written.
func TestKill(t *testing.T) {
	if dir, ok := killtest.Child(killEnv); ok {
		killHelper(dir)
		return
	}
	dir := t.TempDir()
	cmd, out := killtest.Start(t, killEnv, "TestKill", dir)
	lines := make(chan string, 10000)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var puts, txs []string
	midTx := ""
	deadline := time.After(60 * time.Second)
	for midTx == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the helper ended")
			}
			switch f := strings.Fields(l); {
			case len(f) == 2 && f[0] == "put":
				puts = append(puts, f[1])
			case len(f) == 2 && f[0] == "tx":
				txs = append(txs, f[1])
			case len(f) == 2 && f[0] == "mid":
				midTx = f[1]
			}
		case <-deadline:
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("the helper did not reach the half-published transaction")
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if len(puts) < 50 || len(txs) < 10 {
		t.Fatalf("only %d puts and %d transactions before the kill", len(puts), len(txs))
	}

	e := open(t, dir, Options{})
	ctx := context.Background()
	has := func(id string) bool {
		it, _, err := e.s.Get(ctx, "tbl", []byte(`{"id":{"S":"`+id+`"}}`))
		if err != nil {
			t.Fatal(err)
		}
		return it != nil
	}
	for _, id := range puts {
		if !has(id) {
			t.Errorf("acknowledged put %s lost after kill -9", id)
		}
	}
	// Every transaction, acknowledged or not, is all or nothing.
	whole := map[string]bool{}
	for n := 0; n <= len(txs)+1; n++ {
		tx := fmt.Sprint("tx", n)
		count := 0
		for i := range txSize {
			if has(fmt.Sprint(tx, "-", i)) {
				count++
			}
		}
		if count != 0 && count != txSize {
			t.Errorf("%s: %d of its %d items after kill -9", tx, count, txSize)
		}
		whole[tx] = count == txSize
	}
	for _, tx := range txs {
		if !whole[tx] {
			t.Errorf("acknowledged transaction %s lost", tx)
		}
	}
	if whole[midTx] {
		t.Errorf("the half-published transaction %s was applied", midTx)
	}
	// The stream: one INSERT per item, in order, none of the killed
	// transaction.
	seen := map[string]int{}
	var after uint64
	for {
		r, err := e.s.ReadStream(ctx, "tbl", after, 1000, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range r.Records {
			if rec.Event != EventInsert || rec.Seq <= after {
				t.Fatalf("record %+v after %d", rec, after)
			}
			seen[string(rec.Keys)]++
			after = rec.Seq
		}
		if len(r.Records) == 0 {
			break
		}
		after = r.Next
	}
	d, _ := e.s.Describe("tbl")
	if int64(len(seen)) != d.Items {
		t.Errorf("%d keys in the stream, %d items", len(seen), d.Items)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s: %d records", k, n)
		}
		if strings.Contains(k, `"`+midTx+"-") {
			t.Errorf("a record of the killed transaction: %s", k)
		}
	}
	// The table takes writes again, the killed transaction's items too.
	if _, err := e.s.Put(ctx, "tbl", []byte(`{"id":{"S":"`+midTx+`-0"}}`), mustAbsent); err != nil {
		t.Errorf("after restart: %v", err)
	}
}

// killHelper writes single items and transactions of txSize items,
// printing "put ID" and "tx ID" once acknowledged, then, after 20
// transactions, starts one more, prints "mid ID" halfway through
// publishing its batch and waits to be killed.
func killHelper(dir string) {
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: dir})
	if err != nil {
		panic(err)
	}
	s, err := Open(ctx, Options{JetStream: b.JetStream(), TTLInterval: -1})
	if err != nil {
		panic(err)
	}
	if _, err := s.CreateTable(ctx, TableConfig{Name: "tbl", Key: KeySchema{Partition: Attr{"id", TypeS}}, StreamView: ViewNewAndOldImages}); err != nil {
		panic(err)
	}
	for n := 0; ; n++ {
		for i := range 5 {
			id := fmt.Sprint("p", n, "-", i)
			if _, err := s.Put(ctx, "tbl", []byte(`{"id":{"S":"`+id+`"}}`), nil); err != nil {
				panic(err)
			}
			fmt.Println("put", id)
		}
		tx := fmt.Sprint("tx", n)
		if n == 20 {
			batchHook = func(nc *nats.Conn, i int) {
				if i == txSize/2 {
					nc.Flush() // the first half reached the server
					fmt.Println("mid", tx)
					select {}
				}
			}
		}
		var ops []Op
		for i := range txSize {
			ops = append(ops, Op{Table: "tbl", Put: []byte(`{"id":{"S":"` + fmt.Sprint(tx, "-", i) + `"}}`), Cond: mustAbsent})
		}
		if _, err := s.Transact(ctx, ops); err != nil {
			panic(err)
		}
		fmt.Println("tx", tx)
	}
}
