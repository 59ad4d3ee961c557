package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/verge-edge/verge/bench/internal/load"
)

// The engine rows run the kafka-topic trigger as users do: a stack file,
// a real engine, a Node.js sandbox.

// engineStack is a stack whose function FN reads TOPIC from BROKER.
const engineStack = `resources:
  FN:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: index.js}}
      events:
        - type: kafka-topic
          properties:
            customKafkaConfiguration: {bootstrapServers: [BROKER], topicName: TOPIC}
            batchSize: 100
            maxBatchWindowSeconds: 0
            startingPosition: START
`

// engineHandler logs how many records each invocation got, and for the
// latency topic the start and the produce time its record carries (the
// value holds the producer's clock in µs, as text).
const engineHandler = `exports.handler = async (event) => {
  const now = Math.round((performance.timeOrigin + performance.now()) * 1000);
  let n = 0;
  for (const k in event.records) n += event.records[k].length;
  const first = Object.values(event.records)[0][0];
  if (first.topic === 'latency') console.log('START ' + now + ' ' + Buffer.from(first.value, 'base64').toString());
  else console.log('COUNT ' + n);
  return {};
};
`

// counter is a functions.Tap summing the COUNT lines.
type counter struct {
	load.Starts
	got atomic.Int64
}

func (c *counter) Line(function, line string) {
	if _, n, ok := strings.Cut(line, "COUNT "); ok {
		k, _ := strconv.Atoi(strings.TrimSpace(n))
		c.got.Add(int64(k))
		return
	}
	if strings.Contains(line, "INFO\tSTART ") { // the handler's, not the runtime's START RequestId
		c.Starts.Line(function, line)
	}
}

// startEngine runs a stack of function fn reading topic from addrs.
func startEngine(addrs []string, fn, topic, start string, tp *counter) (stop func(), err error) {
	s := strings.NewReplacer("FN", fn, "BROKER", addrs[0], "TOPIC", topic, "START", start).Replace(engineStack)
	dir, err := load.TempStack("kafka", s, engineHandler)
	if err != nil {
		return nil, err
	}
	e, _, _, _, err := load.Start(dir, tp)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return func() { e.Close(context.Background()); os.RemoveAll(dir) }, nil
}

// engineRate starts a stack whose function reads the n records from the
// start (a new consumer group: its name is new) and times the engine's
// start until the function has been invoked with all of them.
func engineRate(addrs []string, n int, fn string) (float64, error) {
	tp := &counter{Starts: *load.NewStarts()}
	start := time.Now()
	stop, err := startEngine(addrs, fn, topic, "TRIM_HORIZON", tp)
	if err != nil {
		return 0, err
	}
	defer stop()
	for tp.got.Load() < int64(n) {
		if time.Since(start) > 5*time.Minute {
			return 0, fmt.Errorf("the function got %d of %d records", tp.got.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// engineLatency times k records produced one at a time to the start of
// the function invoked with each.
func engineLatency(addrs []string, k int) ([]time.Duration, error) {
	tp := &counter{Starts: *load.NewStarts()}
	stop, err := startEngine(addrs, "latency", "latency", "LATEST", tp)
	if err != nil {
		return nil, err
	}
	defer stop()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.DefaultProduceTopic("latency"), kgo.ProducerLinger(0))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	time.Sleep(2 * time.Second) // the group has joined and reads from the end
	return tp.Latencies(k, func(sent int64) error {
		return cl.ProduceSync(context.Background(), &kgo.Record{Value: []byte(strconv.FormatInt(sent, 10))}).FirstErr()
	})
}
