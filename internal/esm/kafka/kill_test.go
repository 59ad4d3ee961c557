package kafka

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/esm"
	"github.com/verge-edge/verge/internal/killtest"
)

// killEnv gives the helper process of TestKill the brokers' address.
const killEnv = "VERGE_KAFKA_KILL_HELPER"

// TestKill: a process whose function succeeded with the first batch and
// is in the middle of the second is killed with SIGKILL; a new manager
// delivers the second batch again, and nothing committed before it.
func TestKill(t *testing.T) {
	if addr, ok := killtest.Child(killEnv); ok {
		killHelper(addr)
		return
	}
	c := cluster(t, 1)
	produce(t, c.ListenAddrs(), 1, 0, 30)
	cmd, out := killtest.Start(t, killEnv, "TestKill", c.ListenAddrs()[0])
	blocked := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "blocked ") {
				close(blocked)
			}
		}
	}()
	select {
	case <-blocked:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the helper never reached its second batch")
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	s := newSink(t)
	m := manager(t, s, nil)
	defer closeManager(t, m)
	if err := m.Apply([]Mapping{killMapping(c.ListenAddrs()[0])}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the rest", func() bool { return s.count() >= 20 })
	vals := s.values()[0]
	if len(vals) != 20 || vals[0] != "10" || vals[19] != "29" {
		t.Errorf("after the kill the records %v were delivered, want 10 to 29", vals)
	}
}

func killMapping(addr string) Mapping {
	return Mapping{UUID: "kill-test", Function: "fn", Bootstrap: []string{addr}, Topic: topic,
		BatchSize: 10, StartingPosition: esm.TrimHorizon, MaximumRetryAttempts: -1, Enabled: true}
}

// killHelper runs the mapping with a function that succeeds with the
// first batch and never returns from the second, until it is killed.
func killHelper(addr string) {
	invoke := func(ctx context.Context, _ string, payload []byte) (esm.Result, error) {
		first := strings.Index(string(payload), `"offset":`)
		var off int
		fmt.Sscanf(string(payload[first+len(`"offset":`):]), "%d", &off)
		if off > 0 {
			fmt.Println("blocked", off)
			<-ctx.Done()
			return esm.Result{}, ctx.Err()
		}
		return esm.Result{Payload: []byte("null")}, nil
	}
	m, err := New(context.Background(), Options{Invoke: invoke})
	if err != nil {
		panic(err)
	}
	if err := m.Apply([]Mapping{killMapping(addr)}); err != nil {
		panic(err)
	}
	select {}
}
