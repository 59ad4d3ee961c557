// Command dynamodb measures Verge's DynamoDB API on the real table store
// (an embedded broker, signatures verified, loopback) through the AWS SDK
// for Go v2 with concurrent callers, side by side in one run with its
// floor: a bare net/http handler that answers every GetItem with a fixed
// response, reached by the same SDK client. It measures PutItem and
// GetItem of 1 KiB items, a Query of 100 items from one partition, and a
// conditional UpdateItem, each with the process's CPU time per call (the
// floor's says what the SDK client and HTTP cost alone); with -rss it
// also loads a table of the given size and reports the process's
// resident memory before and after, and after the table is rebuilt from
// the log on a fresh open.
//
//	go run ./bench/dynamodb [-c 8] [-d 5s] [-rss 1GB] [-only PutItem] [-cpuprofile cpu.out]
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"hash/crc32"
	"log"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/verge-edge/verge/bench/internal/load"
	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/dynamodb"
	"github.com/verge-edge/verge/internal/dynamodb/store"
	"github.com/verge-edge/verge/internal/identity"
)

func main() {
	conc := flag.Int("c", 8, "concurrent callers")
	dur := flag.Duration("d", 5*time.Second, "how long each throughput run lasts")
	rss := flag.String("rss", "", "also load a table of this size (e.g. 1GB, 200MB) and report resident memory")
	only := flag.String("only", "", "run only the measures whose name starts with this (PutItem, GetItem, Query, UpdateItem)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (clients and server) to this file")
	reopenDir := flag.String("reopen", "", "(used by -rss) open the broker and store of this folder, then report the rebuild")
	flag.Parse()
	if *reopenDir != "" {
		if err := reopen(*reopenDir); err != nil {
			log.Fatal(err)
		}
		return
	}
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
	if err := run(*conc, *dur, *rss, *only); err != nil {
		pprof.StopCPUProfile()
		log.Fatal(err)
	}
}

const (
	itemSize   = 1 << 10
	preloaded  = 10000 // items GetItem and UpdateItem pick from
	queryItems = 100
)

func run(conc int, dur time.Duration, rss, only string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "verge-bench-dynamodb-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b, err := broker.Open(ctx, broker.Options{Dir: dir, MaxStore: 32 << 30})
	if err != nil {
		return err
	}
	defer b.Close()
	st, err := store.Open(ctx, store.Options{JetStream: b.JetStream(), Size: dynamodb.ItemSize})
	if err != nil {
		return err
	}
	defer st.Close()
	ids := identity.New([]byte("0123456789abcdef0123456789abcdef"), load.Token)
	base, stop, err := load.Serve(awsapi.New(awsapi.Options{Identities: ids}, awsapi.DynamoDB(awsapi.Fixed(dynamodb.New(dynamodb.Options{Store: st})))))
	if err != nil {
		return err
	}
	defer stop()
	c := client(base)
	if _, err := c.CreateTable(ctx, &awsddb.CreateTableInput{TableName: aws.String("bench"), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN}},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange}}}); err != nil {
		return err
	}
	pad := &types.AttributeValueMemberS{Value: strings.Repeat("x", itemSize-40)}
	item := func(pk string, sk int) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk},
			"sk": &types.AttributeValueMemberN{Value: strconv.Itoa(sk)}, "n": &types.AttributeValueMemberN{Value: "0"}, "pad": pad}
	}
	// The items reads pick from, and one partition of 100 for Query.
	for i := range preloaded {
		if _, err := c.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String("bench"), Item: item("item-"+strconv.Itoa(i), 0)}); err != nil {
			return err
		}
	}
	for i := range queryItems {
		if _, err := c.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String("bench"), Item: item("orders", i)}); err != nil {
			return err
		}
	}
	var seq atomic.Int64
	pick := func() map[string]types.AttributeValue {
		i := seq.Add(1) % preloaded
		return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "item-" + strconv.FormatInt(i, 10)},
			"sk": &types.AttributeValueMemberN{Value: "0"}}
	}
	getItem := func(c *awsddb.Client) func() error {
		return func() error {
			out, err := c.GetItem(ctx, &awsddb.GetItemInput{TableName: aws.String("bench"), Key: pick()})
			if err == nil && out.Item == nil {
				err = fmt.Errorf("no item in the GetItem answer")
			}
			return err
		}
	}
	floorBase, floorStop, err := load.Serve(fixedGetItem())
	if err != nil {
		return err
	}
	defer floorStop()

	type row struct {
		name, target string
		rate, floor  float64
		cpu, cpuF    time.Duration
	}
	var rows []row
	measure := func(name, target string, do func() error, floor func() error) error {
		if !strings.HasPrefix(name, only) {
			return nil
		}
		r, cpu, err := throughput(do, conc, dur)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		var f float64
		var cpuF time.Duration
		if floor != nil {
			if f, cpuF, err = throughput(floor, conc, dur); err != nil {
				return fmt.Errorf("%s floor: %w", name, err)
			}
		}
		rows = append(rows, row{name, target, r, f, cpu, cpuF})
		return nil
	}
	var put atomic.Int64
	if err := measure("PutItem, 1 KiB items, new keys", "≥ 10,000/s", func() error {
		_, err := c.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String("bench"), Item: item("new-"+strconv.FormatInt(put.Add(1), 10), 0)})
		return err
	}, getItem(client(floorBase))); err != nil {
		return err
	}
	if err := measure("GetItem, 1 KiB items", "≥ 10,000/s", getItem(c), getItem(client(floorBase))); err != nil {
		return err
	}
	if err := measure("Query, 100 items of one partition (~100 KiB)", "", func() error {
		out, err := c.Query(ctx, &awsddb.QueryInput{TableName: aws.String("bench"), KeyConditionExpression: aws.String("pk = :p"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: "orders"}}})
		if err == nil && out.Count != queryItems {
			err = fmt.Errorf("%d items in the Query answer", out.Count)
		}
		return err
	}, nil); err != nil {
		return err
	}
	if err := measure("UpdateItem ADD with a condition (attribute_exists)", "", func() error {
		_, err := c.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: aws.String("bench"), Key: pick(),
			UpdateExpression: aws.String("ADD n :one"), ConditionExpression: aws.String("attribute_exists(pk)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}}})
		return err
	}, nil); err != nil {
		return err
	}

	fmt.Printf("| DynamoDB API, SDK for Go v2, %d callers, loopback, signatures verified | Verge | floor: bare net/http, fixed GetItem answer | Verge/floor | target | CPU/op, Verge (floor) |\n|---|---|---|---|---|---|\n", conc)
	for _, r := range rows {
		floor, ratio, cpuF := "-", "-", ""
		if r.floor > 0 {
			floor, ratio = fmt.Sprintf("%.0f/s", r.floor), fmt.Sprintf("%.2f", r.rate/r.floor)
			cpuF = fmt.Sprintf(" (%d µs)", r.cpuF.Microseconds())
		}
		fmt.Printf("| %s | %.0f/s | %s | %s | %s | %d µs%s |\n", r.name, r.rate, floor, ratio, r.target, r.cpu.Microseconds(), cpuF)
	}
	if rss != "" {
		return memory(ctx, dir, b, st, rss)
	}
	return nil
}

// throughput is load.Throughput, with the process's CPU time (user and
// system, clients and server) per call: unlike the rate, it changes little
// when other processes share the cores.
func throughput(do func() error, conc int, dur time.Duration) (float64, time.Duration, error) {
	var calls atomic.Int64
	before := cpuTime()
	r, err := load.Throughput(func() error { calls.Add(1); return do() }, conc, dur)
	if err != nil || calls.Load() == 0 {
		return r, 0, err
	}
	return r, (cpuTime() - before) / time.Duration(calls.Load()), nil
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// client is an SDK client of base, retries off (a failure is a result).
func client(base string) *awsddb.Client {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	return awsddb.New(awsddb.Options{Region: "us-east-1", BaseEndpoint: aws.String(base), HTTPClient: hc, RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKID", load.Token, "")})
}

// fixedGetItem is the floor: what answering GetItem costs with no
// signature check, no store and no encoding: a fixed 1 KiB item, with
// the CRC32 the SDK checks.
func fixedGetItem() http.Handler {
	body := []byte(`{"Item":{"pk":{"S":"item-1"},"sk":{"N":"0"},"n":{"N":"0"},"pad":{"S":"` + strings.Repeat("x", itemSize-40) + `"}}}`)
	sum := strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("X-Amz-Crc32", sum)
		w.Write(body)
	})
}

// memory loads a table of size bytes of 1 KiB items straight into the
// store (the API's cost is measured above), then reports resident memory
// and the rebuild of a fresh store over the same log.
func memory(ctx context.Context, dir string, b *broker.Broker, st *store.Store, size string) error {
	bytes, err := parseSize(size)
	if err != nil {
		return err
	}
	before := rssBytes()
	if _, err := st.CreateTable(ctx, store.TableConfig{Name: "big", Key: store.KeySchema{Partition: store.Attr{Name: "id", Type: store.TypeS}}}); err != nil {
		return err
	}
	n := int(bytes / itemSize)
	pad := make([]byte, (itemSize-60)/2)
	start := time.Now()
	if _, err := load.Rate(func() (int, error) {
		i := int(seq.Add(1))
		if i > n {
			return 0, errDone
		}
		rand.Read(pad)
		_, err := st.Put(ctx, "big", []byte(`{"id":{"S":"`+strconv.Itoa(i)+`"},"pad":{"S":"`+hex.EncodeToString(pad)+`"}}`), nil)
		return 1, err
	}, 8, 24*time.Hour); err != nil && err != errDone {
		return err
	}
	loaded := time.Since(start)
	debug.FreeOSMemory()
	after := rssBytes()
	t, _ := st.Describe("big")
	st.Close()
	b.Close()
	// A fresh process rebuilds the table from the log: its memory is the
	// table's, with nothing of the loading left.
	out, err := exec.Command(os.Args[0], "-reopen", dir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("reopening: %v: %s", err, out)
	}
	fmt.Printf("\n| table of %d x 1 KiB items (%.2f GB as DynamoDB counts) | RSS before | RSS after loading (same process) | a fresh process: rebuild time, RSS | loaded in |\n|---|---|---|---|---|\n",
		t.Items, float64(t.Bytes)/1e9)
	fmt.Printf("| | %.0f MB | %.0f MB | %s | %s |\n", float64(before)/1e6, float64(after)/1e6, strings.TrimSpace(string(out)), loaded.Round(time.Second))
	return nil
}

// reopen opens the broker and the store of dir, as a node starting on a
// table already there, and prints the rebuild's time and the process's
// resident memory.
func reopen(dir string) error {
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: dir, MaxStore: 32 << 30})
	if err != nil {
		return err
	}
	defer b.Close()
	start := time.Now()
	st, err := store.Open(ctx, store.Options{JetStream: b.JetStream(), Size: dynamodb.ItemSize})
	if err != nil {
		return err
	}
	defer st.Close()
	took := time.Since(start)
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("%s, %.0f MB (Go heap in use %.0f MB)", took.Round(100*time.Millisecond), float64(rssBytes())/1e6, float64(ms.HeapInuse)/1e6)
	return nil
}

var (
	seq     atomic.Int64
	errDone = fmt.Errorf("loaded")
)

// parseSize reads 1GB, 200MB, 512KB.
func parseSize(s string) (int64, error) {
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}} {
		if n, ok := strings.CutSuffix(strings.ToUpper(s), u.suffix); ok {
			v, err := strconv.ParseFloat(n, 64)
			return int64(v * float64(u.mult)), err
		}
	}
	return 0, fmt.Errorf("-rss %q: want a size like 1GB or 200MB", s)
}

// rssBytes is this process's resident set size.
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
