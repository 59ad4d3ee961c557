// Command kafka measures the kafka-topic event source mapping
// (internal/esm/kafka) on an in-process kfake cluster, side by side with
// its floor in one run: records/s through the mapping with batchSize 100
// against a bare franz-go consumer reading the same records from the same
// cluster, and the time from a produced record to the start of its
// invocation (MaxBatchWindow 0) against the bare consumer's produce to
// poll time.
//
// The invoke path is pluggable (-invoke): "trivial" is a Go function that
// answers at once; an engine with real sandboxes can be added to invokers.
//
// With -engine (the default) each round also runs the kafka-topic event
// of a stack file on a real engine with a Node.js function, and the
// latency table gains its produce to handler start.
//
//	go run ./bench/kafka [-n 200000] [-parts 4] [-lat 300] [-rounds 3] [-invoke trivial] [-engine]
package main

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/verge-edge/verge/internal/esm"
	"github.com/verge-edge/verge/internal/esm/kafka"
	"github.com/verge-edge/verge/internal/sandbox"
)

const (
	topic     = "bench"
	valueSize = 100
)

// An invoker is a function as the mapping invokes it; seen is called
// with each event's payload when the invocation starts.
type invoker func(seen func(payload []byte)) func(ctx context.Context, fn string, payload []byte) (esm.Result, error)

var invokers = map[string]invoker{
	"trivial": func(seen func([]byte)) func(context.Context, string, []byte) (esm.Result, error) {
		return func(_ context.Context, _ string, payload []byte) (esm.Result, error) {
			seen(payload)
			return esm.Result{Payload: []byte("null")}, nil
		}
	},
}

func main() {
	sandbox.Init()
	n := flag.Int("n", 200_000, "records for the throughput runs")
	parts := flag.Int("parts", 4, "partitions of the topic")
	lat := flag.Int("lat", 300, "records produced one at a time for the latency runs")
	rounds := flag.Int("rounds", 3, "throughput rounds of each")
	inv := flag.String("invoke", "trivial", "invoke path: "+strings.Join(names(), ", "))
	withEngine := flag.Bool("engine", true, "also run the kafka-topic trigger of a stack on a real engine with a Node.js function")
	flag.Parse()
	mk, ok := invokers[*inv]
	if !ok {
		log.Fatalf("unknown -invoke %q", *inv)
	}
	if err := run(*n, *parts, *lat, *rounds, mk, *withEngine); err != nil {
		log.Fatal(err)
	}
}

func names() []string {
	var out []string
	for k := range invokers {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func run(n, parts, lat, rounds int, mk invoker, withEngine bool) error {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(int32(parts), topic, "latency"))
	if err != nil {
		return err
	}
	defer c.Close()
	addrs := c.ListenAddrs()
	if err := produceMany(addrs, n); err != nil {
		return err
	}
	fmt.Printf("kfake, 1 broker, topic of %d partitions, %d records of %d B\n\n", parts, n, valueSize)
	fmt.Println("| run | records/s |")
	fmt.Println("|---|---|")
	for r := range rounds {
		floor, err := bareRate(addrs, n)
		if err != nil {
			return err
		}
		mapping, err := mappingRate(addrs, n, mk, fmt.Sprintf("bench-rate-%d", r))
		if err != nil {
			return err
		}
		fmt.Printf("| bare franz-go consumer (floor), round %d | %.0f |\n", r+1, floor)
		fmt.Printf("| mapping, batchSize 100, round %d | %.0f |\n", r+1, mapping)
		if withEngine {
			real, err := engineRate(addrs, n, fmt.Sprintf("rate%d", r))
			if err != nil {
				return err
			}
			fmt.Printf("| engine, kafka-topic event, Node.js function, batchSize 100, round %d | %.0f |\n", r+1, real)
		}
	}
	floorLat, err := bareLatency(addrs, lat)
	if err != nil {
		return err
	}
	mapLat, err := mappingLatency(addrs, lat, mk)
	if err != nil {
		return err
	}
	fmt.Println()
	fmt.Println("| produced record to | p50 | p90 | p99 |")
	fmt.Println("|---|---|---|---|")
	fmt.Printf("| bare consumer's poll (floor) | %s |\n", quantiles(floorLat))
	fmt.Printf("| mapping's Invoke start, MaxBatchWindow 0 | %s |\n", quantiles(mapLat))
	if withEngine {
		realLat, err := engineLatency(addrs, lat)
		if err != nil {
			return err
		}
		fmt.Printf("| engine: the Node.js handler's start, maxBatchWindowSeconds 0 | %s |\n", quantiles(realLat))
	}
	return nil
}

func producer(addrs []string) (*kgo.Client, error) {
	return kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.DefaultProduceTopic(topic), kgo.ProducerLinger(0))
}

func produceMany(addrs []string, n int) error {
	cl, err := producer(addrs)
	if err != nil {
		return err
	}
	defer cl.Close()
	val := make([]byte, valueSize)
	var failed atomic.Value
	for i := range n {
		cl.Produce(context.Background(), &kgo.Record{Key: fmt.Appendf(nil, "k%d", i), Value: val}, func(_ *kgo.Record, err error) {
			if err != nil {
				failed.Store(err)
			}
		})
	}
	if err := cl.Flush(context.Background()); err != nil {
		return err
	}
	if err, _ := failed.Load().(error); err != nil {
		return err
	}
	return nil
}

// bareRate reads n records from the start with a group-less consumer.
func bareRate(addrs []string, n int) (float64, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	start := time.Now()
	got := 0
	for got < n {
		fs := cl.PollFetches(context.Background())
		if err := fs.Err0(); err != nil {
			return 0, err
		}
		got += fs.NumRecords()
	}
	return float64(got) / time.Since(start).Seconds(), nil
}

func newManager(mk invoker, seen func([]byte)) (*kafka.Manager, error) {
	return kafka.New(context.Background(), kafka.Options{Invoke: mk(seen),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

func mappingOf(addrs []string, id, start string) kafka.Mapping {
	return kafka.Mapping{UUID: id, Function: "fn", Bootstrap: addrs, Topic: topic, BatchSize: 100,
		StartingPosition: start, MaximumRetryAttempts: -1, Enabled: true}
}

// mappingRate runs a new mapping (a new group) from the start until it
// has invoked the function with n records.
func mappingRate(addrs []string, n int, mk invoker, id string) (float64, error) {
	var got atomic.Int64
	done := make(chan struct{})
	m, err := newManager(mk, func(p []byte) {
		if got.Add(int64(strings.Count(string(p), `"offset":`))) == int64(n) {
			close(done)
		}
	})
	if err != nil {
		return 0, err
	}
	defer m.Close(context.Background())
	start := time.Now()
	if err := m.Apply([]kafka.Mapping{mappingOf(addrs, id, esm.TrimHorizon)}); err != nil {
		return 0, err
	}
	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		return 0, fmt.Errorf("the mapping invoked %d of %d records", got.Load(), n)
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// stamp is a record whose value is its produce time.
func stamp() *kgo.Record {
	return &kgo.Record{Value: binary.BigEndian.AppendUint64(nil, uint64(time.Now().UnixNano()))}
}

func since(v []byte) time.Duration {
	return time.Duration(time.Now().UnixNano() - int64(binary.BigEndian.Uint64(v)))
}

// produceOneByOne produces k stamped records, each once the previous one
// was seen (ch), so no batching hides the latency.
func produceOneByOne(addrs []string, k int, ch <-chan time.Duration) ([]time.Duration, error) {
	cl, err := producer(addrs)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	var out []time.Duration
	for range k {
		if err := cl.ProduceSync(context.Background(), stamp()).FirstErr(); err != nil {
			return nil, err
		}
		select {
		case d := <-ch:
			out = append(out, d)
		case <-time.After(30 * time.Second):
			return nil, fmt.Errorf("a produced record was not seen")
		}
		time.Sleep(2 * time.Millisecond)
	}
	return out, nil
}

func bareLatency(addrs []string, k int) ([]time.Duration, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtEnd()))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	if err := cl.Ping(context.Background()); err != nil {
		return nil, err
	}
	ch := make(chan time.Duration, 1)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for ctx.Err() == nil {
			cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) {
				if len(r.Value) == 8 {
					ch <- since(r.Value)
				}
			})
		}
	}()
	time.Sleep(time.Second) // the consumer has its partitions' end offsets
	out, err := produceOneByOne(addrs, k, ch)
	cancel()
	<-stopped
	return out, err
}

func mappingLatency(addrs []string, k int, mk invoker) ([]time.Duration, error) {
	ch := make(chan time.Duration, 1)
	var ready atomic.Bool
	m, err := newManager(mk, func(p []byte) {
		if !ready.Load() {
			return
		}
		if v := firstValue(p); len(v) == 8 {
			ch <- since(v)
		}
	})
	if err != nil {
		return nil, err
	}
	defer m.Close(context.Background())
	mp := mappingOf(addrs, "bench-latency", esm.Latest)
	if err := m.Apply([]kafka.Mapping{mp}); err != nil {
		return nil, err
	}
	for m.States()[mp.UUID].State != kafka.StateEnabled {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(time.Second)
	ready.Store(true)
	return produceOneByOne(addrs, k, ch)
}

// firstValue decodes the first record's value of an event.
func firstValue(p []byte) []byte {
	s := string(p)
	i := strings.Index(s, `"value":"`)
	if i < 0 {
		return nil
	}
	s = s[i+len(`"value":"`):]
	v, err := base64.StdEncoding.DecodeString(s[:strings.IndexByte(s, '"')])
	if err != nil {
		return nil
	}
	return v
}

func quantiles(ds []time.Duration) string {
	slices.Sort(ds)
	q := func(p float64) string {
		return fmt.Sprintf("%.2f ms", float64(ds[int(p*float64(len(ds)-1))])/1e6)
	}
	return q(0.5) + " | " + q(0.9) + " | " + q(0.99)
}
