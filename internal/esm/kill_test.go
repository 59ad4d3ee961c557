package esm_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/esm"
	"github.com/verge-edge/verge/internal/killtest"
	"github.com/verge-edge/verge/internal/kinesis"
)

// killEnv names the store folder of the helper process TestKill starts.
const killEnv = "VERGE_ESM_KILL_HELPER"

const (
	killRecords = 200
	killKeys    = 8
	hangAt      = 3 // the helper's third batch never returns
)

// TestKill: a process reads a real Kinesis stream through a mapping and is
// killed with SIGKILL while its function processes a batch; after a
// restart on the same store that batch is delivered again, every record
// is delivered, and each key's records come in order.
func TestKill(t *testing.T) {
	if dir, ok := killtest.Child(killEnv); ok {
		killHelper(dir)
		return
	}
	if testing.Short() {
		t.Skip("starts a process")
	}
	dir := t.TempDir()
	ctx := context.Background()
	withStream(t, dir, func(ks *kinesis.Service, _ jetstream.JetStream) {
		must(t, ks.CreateStream(ctx, kinesis.StreamConfig{Name: "s", ShardCount: 2}))
		var entries []kinesis.PutEntry
		for i := range killRecords {
			k := i % killKeys
			entries = append(entries, kinesis.PutEntry{PartitionKey: "key" + strconv.Itoa(k), Data: []byte(fmt.Sprintf("%d-%03d", k, i/killKeys))})
		}
		res, err := ks.PutRecords(ctx, "s", entries)
		must(t, err)
		for _, r := range res {
			if r.ErrorCode != "" {
				t.Fatalf("put: %s %s", r.ErrorCode, r.ErrorMessage)
			}
		}
	})

	cmd, out := killtest.Start(t, killEnv, "TestKill", dir)
	before := map[string]int{}
	var hung []string
	// Every batch the child printed counts, those its other shard finished
	// between the hang and the kill too: read to the end of its output.
	stuck := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() }) // a child that never hangs ends too
	defer stuck.Stop()
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		kind, rest, _ := strings.Cut(sc.Text(), " ")
		if kind == "B" || kind == "H" {
			for _, d := range strings.Fields(rest) {
				before[d]++
			}
		}
		if kind == "H" && hung == nil {
			hung = strings.Fields(rest)
			must(t, cmd.Process.Signal(syscall.SIGKILL))
		}
	}
	cmd.Wait()
	if len(hung) == 0 {
		t.Fatal("the helper never reached the batch it hangs on")
	}

	var mu sync.Mutex
	var after []string
	withStream(t, dir, func(ks *kinesis.Service, js jetstream.JetStream) {
		m := startMapping(t, ks, js, func(data []string) bool {
			mu.Lock()
			after = append(after, data...)
			mu.Unlock()
			return true
		})
		defer m.Close(ctx)
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			seen := map[string]bool{}
			for d := range before {
				seen[d] = true
			}
			for _, d := range after {
				seen[d] = true
			}
			n := len(seen)
			mu.Unlock()
			if n == killRecords {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after the restart %d of %d records were delivered", n, killRecords)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})

	mu.Lock()
	defer mu.Unlock()
	redelivered := map[string]bool{}
	for _, d := range after {
		redelivered[d] = true
	}
	for _, d := range hung {
		if !redelivered[d] {
			t.Errorf("record %s of the batch in flight at the kill was not delivered again", d)
		}
	}
	last := map[string]int{}
	for _, d := range after {
		k, i, _ := strings.Cut(d, "-")
		n, _ := strconv.Atoi(i)
		if prev, ok := last[k]; ok && n <= prev {
			t.Errorf("key %s: record %d after %d (reordered or repeated after the restart)", k, n, prev)
		}
		last[k] = n
	}
}

// killHelper runs the mapping until its hangAt-th batch, which it
// announces and never finishes; every earlier batch is printed once the
// function has returned.
func killHelper(dir string) {
	var mu sync.Mutex
	batches := 0
	block := make(chan struct{})
	withStreamNoT(dir, func(ks *kinesis.Service, js jetstream.JetStream) {
		startMappingNoT(ks, js, func(data []string) bool {
			mu.Lock()
			batches++
			n := batches
			mu.Unlock()
			if n == hangAt {
				fmt.Println("H " + strings.Join(data, " "))
				<-block
			}
			fmt.Println("B " + strings.Join(data, " "))
			return true
		})
		<-block
	})
}

// withStream opens the stream service on the store in dir for f.
func withStream(t *testing.T, dir string, f func(*kinesis.Service, jetstream.JetStream)) {
	t.Helper()
	if err := openStream(dir, f); err != nil {
		t.Fatal(err)
	}
}

func withStreamNoT(dir string, f func(*kinesis.Service, jetstream.JetStream)) {
	if err := openStream(dir, f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func openStream(dir string, f func(*kinesis.Service, jetstream.JetStream)) error {
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: dir})
	if err != nil {
		return err
	}
	defer b.Close()
	ks, err := kinesis.New(ctx, kinesis.Options{JetStream: b.JetStream(), Unthrottled: true})
	if err != nil {
		return err
	}
	defer ks.Close()
	f(ks, b.JetStream())
	return nil
}

// startMapping runs one mapping of stream s in batches of 10 from
// TRIM_HORIZON, its function fn given each batch's data.
func startMapping(t *testing.T, ks *kinesis.Service, js jetstream.JetStream, fn func([]string) bool) *esm.Manager {
	t.Helper()
	m, err := mapping(ks, js, fn)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func startMappingNoT(ks *kinesis.Service, js jetstream.JetStream, fn func([]string) bool) *esm.Manager {
	m, err := mapping(ks, js, fn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return m
}

func mapping(ks *kinesis.Service, js jetstream.JetStream, fn func([]string) bool) (*esm.Manager, error) {
	ctx := context.Background()
	src, err := ks.Source("s", "")
	if err != nil {
		return nil, err
	}
	invoke := func(ctx context.Context, _ string, payload []byte) (esm.Result, error) {
		var ev struct {
			Records []struct {
				Kinesis struct{ Data []byte } `json:"kinesis"`
			}
		}
		if err := json.Unmarshal(payload, &ev); err != nil {
			return esm.Result{}, err
		}
		data := make([]string, len(ev.Records))
		for i, r := range ev.Records {
			data[i] = string(r.Kinesis.Data)
		}
		fn(data)
		return esm.Result{}, nil
	}
	m, err := esm.New(ctx, esm.Options{JetStream: js, Invoke: invoke, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	return m, m.Apply([]esm.Mapping{{UUID: "kill", Function: "f", Source: src, BatchSize: 10,
		StartingPosition: esm.TrimHorizon, MaximumRetryAttempts: -1, Enabled: true}})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
