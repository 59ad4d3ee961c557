// Command kinesis measures Verge's Kinesis API on the real stream service
// (an embedded broker, signatures verified, loopback) side by side with
// its ceiling in one run: PutRecords of 500 x 1 KiB records through the
// AWS SDK for Go v2 to a 4-shard stream (unthrottled) next to JetStream's
// raw async publish of the same records to a 4-subject stream; and
// GetRecords of 10,000 x 1 KiB records in CBOR and in JSON (raw signed
// posts, the response decoded as a client would), and through the SDK.
//
//	go run ./bench/kinesis [-c 4] [-d 5s] [-n 10] [-cpuprofile cpu.out]
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awskinesis "github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/fxamacker/cbor/v2"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/verge-edge/verge/bench/internal/load"
	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/kinesis"
)

func main() {
	conc := flag.Int("c", 4, "concurrent PutRecords callers")
	dur := flag.Duration("d", 5*time.Second, "how long each throughput run lasts")
	calls := flag.Int("n", 10, "GetRecords calls measured per protocol")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (clients and server) to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*conc, *dur, *calls); err != nil {
		pprof.StopCPUProfile()
		log.Fatal(err)
	}
}

const (
	token      = "bench-token"
	batch      = 500
	recordSize = 1 << 10
	readCount  = 10000
	shards     = 4
)

func run(conc int, dur time.Duration, calls int) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "verge-bench-kinesis-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// Each second of PutRecords stores tens of MB: more than the broker's
	// default 1 GiB over a run.
	b, err := broker.Open(ctx, broker.Options{Dir: dir, MaxStore: 32 << 30})
	if err != nil {
		return err
	}
	defer b.Close()
	k, err := kinesis.New(ctx, kinesis.Options{JetStream: b.JetStream(), Unthrottled: true})
	if err != nil {
		return err
	}
	defer k.Close()
	ids := identity.New([]byte("0123456789abcdef0123456789abcdef"), token)
	base, stop, err := load.Serve(awsapi.New(awsapi.Options{Identities: ids}, awsapi.Kinesis(awsapi.Fixed[kinesis.API](k))))
	if err != nil {
		return err
	}
	defer stop()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	c := awskinesis.New(awskinesis.Options{Region: "us-east-1", BaseEndpoint: aws.String(base),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", token, ""), HTTPClient: hc})

	entries := make([]types.PutRecordsRequestEntry, batch)
	for i := range entries {
		data := make([]byte, recordSize)
		rand.Read(data)
		entries[i] = types.PutRecordsRequestEntry{Data: data, PartitionKey: aws.String("key-" + strconv.Itoa(i))}
	}
	if _, err := c.CreateStream(ctx, &awskinesis.CreateStreamInput{StreamName: aws.String("put"), ShardCount: aws.Int32(shards)}); err != nil {
		return err
	}
	putRate, err := load.Rate(putRecords(c, "put", entries), conc, dur)
	if err != nil {
		return fmt.Errorf("PutRecords: %w", err)
	}
	if _, err := c.DeleteStream(ctx, &awskinesis.DeleteStreamInput{StreamName: aws.String("put")}); err != nil {
		return err
	}
	ceiling, err := load.Rate(publishAsync(ctx, b.JetStream(), entries), conc, dur)
	if err != nil {
		return fmt.Errorf("JetStream publish: %w", err)
	}
	if err := b.JetStream().DeleteStream(ctx, "BENCH_RAW"); err != nil {
		return err
	}

	// A shard of 10,000 records, read whole in one call.
	if _, err := c.CreateStream(ctx, &awskinesis.CreateStreamInput{StreamName: aws.String("read"), ShardCount: aws.Int32(1)}); err != nil {
		return err
	}
	fill := putRecords(c, "read", entries)
	for range readCount / batch {
		if _, err := fill(); err != nil {
			return err
		}
	}
	it, err := c.GetShardIterator(ctx, &awskinesis.GetShardIteratorInput{StreamName: aws.String("read"), ShardId: aws.String("shardId-000000000000"),
		ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		return err
	}
	type result struct {
		name          string
		median        time.Duration
		bytes, frames int64
	}
	var results []result
	for _, p := range []struct {
		name string
		do   func(size, got *atomic.Int64) func() error
	}{
		{"CBOR 1.1 (raw signed posts)", func(size, got *atomic.Int64) func() error {
			return rawGet(hc, base, "application/x-amz-cbor-1.1", aws.ToString(it.ShardIterator), size, got)
		}},
		{"JSON 1.1 (raw signed posts)", func(size, got *atomic.Int64) func() error {
			return rawGet(hc, base, "application/x-amz-json-1.1", aws.ToString(it.ShardIterator), size, got)
		}},
		{"JSON 1.1 (SDK for Go v2)", func(_, got *atomic.Int64) func() error { return sdkGet(c, it.ShardIterator, got) }},
	} {
		var size, got atomic.Int64
		lat, err := load.Latencies(p.do(&size, &got), 2, calls)
		if err != nil {
			return fmt.Errorf("GetRecords %s: %w", p.name, err)
		}
		if got.Load() == 0 {
			return fmt.Errorf("GetRecords %s: no records", p.name)
		}
		results = append(results, result{p.name, load.Median(lat), size.Load(), got.Load()})
	}

	fmt.Printf("| what (loopback, signatures verified, embedded broker) | Verge | ceiling: JetStream async publish | ratio | target |\n|---|---|---|---|---|\n")
	fmt.Printf("| PutRecords, %d x 1 KiB, %d callers, SDK for Go v2, %d shards unthrottled | %.0f records/s (%.1f MB/s) | %.0f records/s | %.2fx | ≥ 20,000 records/s |\n",
		batch, conc, shards, putRate, putRate*recordSize/1e6, ceiling, ceiling/putRate)
	fmt.Printf("\n| GetRecords (Limit %d) of 1 KiB records, one call, decoded | records | ms per call (median of %d) | record data MB/s | response bytes |\n|---|---|---|---|---|\n", readCount, calls)
	for _, r := range results {
		mbps := float64(r.frames*recordSize) / 1e6 / r.median.Seconds()
		size := "-"
		if r.bytes > 0 {
			size = strconv.FormatInt(r.bytes, 10)
		}
		fmt.Printf("| %s | %d | %.1f | %.0f | %s |\n", r.name, r.frames, float64(r.median)/float64(time.Millisecond), mbps, size)
	}
	return nil
}

// putRecords is a PutRecords of entries to stream that must store them all.
func putRecords(c *awskinesis.Client, stream string, entries []types.PutRecordsRequestEntry) func() (int, error) {
	return func() (int, error) {
		out, err := c.PutRecords(context.Background(), &awskinesis.PutRecordsInput{StreamName: &stream, Records: entries})
		if err != nil {
			return 0, err
		}
		if n := aws.ToInt32(out.FailedRecordCount); n > 0 {
			return 0, fmt.Errorf("%d records failed: %s", n, aws.ToString(out.Records[0].ErrorMessage))
		}
		return len(entries), nil
	}
}

// publishAsync publishes the entries' data to a 4-subject JetStream
// stream and waits for every acknowledgement: what a PutRecords costs
// the broker, without HTTP, signing or encoding.
func publishAsync(ctx context.Context, js jetstream.JetStream, entries []types.PutRecordsRequestEntry) func() (int, error) {
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "BENCH_RAW", Subjects: []string{"benchraw.*"}, Storage: jetstream.FileStorage}); err != nil {
		return func() (int, error) { return 0, err }
	}
	return func() (int, error) {
		futures := make([]jetstream.PubAckFuture, len(entries))
		for i, e := range entries {
			f, err := js.PublishAsync("benchraw."+strconv.Itoa(i%shards), e.Data)
			if err != nil {
				return 0, err
			}
			futures[i] = f
		}
		for _, f := range futures {
			select {
			case <-f.Ok():
			case err := <-f.Err():
				return 0, err
			}
		}
		return len(entries), nil
	}
}

// getRecordsOut is what a client decodes of GetRecords.
type getRecordsOut struct {
	Records []struct {
		SequenceNumber string `json:"SequenceNumber"`
		Data           []byte `json:"Data"`
		PartitionKey   string `json:"PartitionKey"`
	} `json:"Records"`
	NextShardIterator string `json:"NextShardIterator"`
}

// rawGet is a signed GetRecords post in content type ct, its answer
// decoded; size gets the response's bytes and got its records (the
// service stops at 10 MiB a call, as AWS does).
func rawGet(hc *http.Client, base, ct, iterator string, size, got *atomic.Int64) func() error {
	in := map[string]any{"ShardIterator": iterator, "Limit": readCount}
	var body []byte
	if ct == "application/x-amz-cbor-1.1" {
		body, _ = cbor.Marshal(in)
	} else {
		body, _ = json.Marshal(in)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: token}
	return func() error {
		r, _ := http.NewRequest(http.MethodPost, base+"/", bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		r.Header.Set("X-Amz-Target", "Kinesis_20131202.GetRecords")
		if err := signer.SignHTTP(context.Background(), creds, r, hash, "kinesis", "us-east-1", time.Now()); err != nil {
			return err
		}
		resp, err := hc.Do(r)
		if err != nil {
			return err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != 200 {
			return fmt.Errorf("%s: %s", resp.Status, b)
		}
		size.Store(int64(len(b)))
		var out getRecordsOut
		if ct == "application/x-amz-cbor-1.1" {
			err = cbor.Unmarshal(b, &out)
		} else {
			err = json.Unmarshal(b, &out)
		}
		if err != nil {
			return err
		}
		got.Store(int64(len(out.Records)))
		return nil
	}
}

// sdkGet is a GetRecords through the SDK; got gets its records.
func sdkGet(c *awskinesis.Client, iterator *string, got *atomic.Int64) func() error {
	return func() error {
		out, err := c.GetRecords(context.Background(), &awskinesis.GetRecordsInput{ShardIterator: iterator, Limit: aws.Int32(readCount)})
		if err != nil {
			return err
		}
		got.Store(int64(len(out.Records)))
		return nil
	}
}
