package kinesis

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/killtest"
)

// killEnv names the store folder of the helper process TestKill starts.
const killEnv = "VERGE_KINESIS_KILL_HELPER"

// TestKill: a process puts records in a loop, printing each acknowledged
// batch, and is killed with SIGKILL mid-put; after a restart every
// acknowledged record is there, in order, and the stream takes more.
func TestKill(t *testing.T) {
	if dir, ok := killtest.Child(killEnv); ok {
		killHelper(dir)
		return
	}
	dir := t.TempDir()
	cmd, out := killtest.Start(t, killEnv, "TestKill", dir)
	acked := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if s, ok := strings.CutPrefix(sc.Text(), "acked "); ok {
				acked <- s
			}
		}
		close(acked)
	}()
	// Let it write a while, then kill it mid-put.
	var seqs []string
	deadline := time.After(60 * time.Second)
	for len(seqs) < 20 {
		select {
		case s, ok := <-acked:
			if !ok {
				t.Fatal("the helper ended")
			}
			seqs = append(seqs, s)
		case <-deadline:
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("the helper is not writing")
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	for s := range acked {
		seqs = append(seqs, s)
	}

	e := open(t, dir, Options{Unthrottled: true})
	defer e.close()
	ctx := context.Background()
	got := map[string]string{}
	for sh := range 2 {
		recs, _ := drain(t, e.s, iter(t, e.s, IteratorInput{Stream: "k", ShardID: shardID(sh), Type: TrimHorizon}))
		prev := -1
		for _, r := range recs {
			got[r.Sequence] = string(r.Data)
			n, _ := strconv.Atoi(strings.TrimPrefix(string(r.Data), "r"))
			if n <= prev {
				t.Fatalf("shard %d: r%d after r%d", sh, n, prev)
			}
			prev = n
		}
	}
	for _, line := range seqs {
		for _, f := range strings.Fields(line) {
			seq, data, _ := strings.Cut(f, "=")
			if got[seq] != data {
				t.Fatalf("acknowledged %s (%s) lost after kill -9; %d records read", seq, data, len(got))
			}
		}
	}
	res := put(t, e.s, "k", PutEntry{PartitionKey: "after", Data: []byte("after")})
	if _, ok := got[res[0].Sequence]; ok {
		t.Errorf("sequence %s reused", res[0].Sequence)
	}
	d, _ := e.s.Describe(ctx, "k", 0, "")
	if d.OpenShards != 2 {
		t.Errorf("%+v", d)
	}
}

// killHelper puts batches of records forever, printing each batch's
// "acked SEQ=DATA …" once acknowledged.
func killHelper(dir string) {
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: dir})
	if err != nil {
		panic(err)
	}
	s, err := New(ctx, Options{JetStream: b.JetStream(), Unthrottled: true})
	if err != nil {
		panic(err)
	}
	if err := s.CreateStream(ctx, StreamConfig{Name: "k", ShardCount: 2}); err != nil {
		panic(err)
	}
	for n := 0; ; {
		var entries []PutEntry
		for range 50 {
			entries = append(entries, PutEntry{PartitionKey: fmt.Sprint("p", n%7), Data: []byte(fmt.Sprint("r", n))})
			n++
		}
		res, err := s.PutRecords(ctx, "k", entries)
		if err != nil {
			panic(err)
		}
		var line strings.Builder
		line.WriteString("acked")
		for i, r := range res {
			if r.ErrorCode == "" {
				fmt.Fprintf(&line, " %s=%s", r.Sequence, entries[i].Data)
			}
		}
		fmt.Println(line.String())
	}
}
