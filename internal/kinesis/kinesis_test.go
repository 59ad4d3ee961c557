package kinesis

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/broker"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// env is a service on an embedded broker in dir.
type env struct {
	b *broker.Broker
	s *Service
}

func open(t testing.TB, dir string, o Options) *env {
	t.Helper()
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	o.JetStream = b.JetStream()
	s, err := New(ctx, o)
	if err != nil {
		b.Close()
		t.Fatal(err)
	}
	return &env{b, s}
}

func (e *env) close() {
	e.s.Close()
	e.b.Close()
}

func newEnv(t testing.TB, o Options) *env {
	e := open(t, t.TempDir(), o)
	t.Cleanup(e.close)
	return e
}

func code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func put(t testing.TB, s *Service, stream string, entries ...PutEntry) []PutResult {
	t.Helper()
	res, err := s.PutRecords(context.Background(), stream, entries)
	must(t, err)
	for _, r := range res {
		if r.ErrorCode != "" {
			t.Fatalf("put: %s %s", r.ErrorCode, r.ErrorMessage)
		}
	}
	return res
}

func iter(t testing.TB, s *Service, in IteratorInput) string {
	t.Helper()
	it, err := s.GetShardIterator(context.Background(), in)
	must(t, err)
	return it
}

// drain reads a shard from it until no records come back.
func drain(t testing.TB, s *Service, it string) ([]Record, Records) {
	t.Helper()
	var all []Record
	for {
		r, err := s.GetRecords(context.Background(), it, 0)
		must(t, err)
		all = append(all, r.Records...)
		if len(r.Records) == 0 || r.Next == "" {
			return all, r
		}
		it = r.Next
	}
}

func TestStreamLifecycle(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "orders", ShardCount: 3}))
	if err := e.s.CreateStream(ctx, StreamConfig{Name: "orders"}); code(err) != CodeResourceInUse {
		t.Errorf("create twice: %v", err)
	}
	d, err := e.s.Describe(ctx, "orders", 0, "")
	must(t, err)
	want := []Shard{
		{ID: "shardId-000000000000", StartingHashKey: "0", EndingHashKey: "113427455640312821154458202477256070484"},
		{ID: "shardId-000000000001", StartingHashKey: "113427455640312821154458202477256070485", EndingHashKey: "226854911280625642308916404954512140969"},
		{ID: "shardId-000000000002", StartingHashKey: "226854911280625642308916404954512140970", EndingHashKey: "340282366920938463463374607431768211455"},
	}
	if len(d.Shards) != 3 || d.OpenShards != 3 || d.Status != StatusActive || d.ARN != "arn:aws:kinesis:us-east-1:000000000000:stream/orders" || d.RetentionHours != 24 {
		t.Fatalf("describe: %+v", d)
	}
	for i, w := range want {
		g := d.Shards[i]
		if g.ID != w.ID || g.StartingHashKey != w.StartingHashKey || g.EndingHashKey != w.EndingHashKey || len(g.StartingSequence) != 56 || g.EndingSequence != "" {
			t.Errorf("shard %d: %+v, want %+v", i, g, w)
		}
	}
	d, err = e.s.Describe(ctx, "orders", 2, "shardId-000000000000")
	must(t, err)
	if len(d.Shards) != 2 || d.Shards[0].ID != "shardId-000000000001" || d.HasMoreShards {
		t.Errorf("describe page: %+v", d.Shards)
	}
	d, err = e.s.Describe(ctx, "orders", 1, "")
	must(t, err)
	if len(d.Shards) != 1 || !d.HasMoreShards {
		t.Errorf("describe limit 1: %+v", d)
	}
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "a"}))
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "od", Mode: OnDemand}))
	names, more, err := e.s.ListStreams(ctx, 2, "")
	must(t, err)
	if strings.Join(names, ",") != "a,od" || !more {
		t.Errorf("list: %v %v", names, more)
	}
	names, more, _ = e.s.ListStreams(ctx, 2, "od")
	if strings.Join(names, ",") != "orders" || more {
		t.Errorf("list after od: %v %v", names, more)
	}
	d, _ = e.s.Describe(ctx, "od", 0, "")
	if d.OpenShards != OnDemandShards || d.Mode != OnDemand {
		t.Errorf("on demand: %+v", d)
	}
	must(t, e.s.DeleteStream(ctx, "orders", false))
	if _, err := e.s.Describe(ctx, "orders", 0, ""); code(err) != CodeResourceNotFound || err.Error() != "ResourceNotFoundException: Stream orders under account 000000000000 not found." {
		t.Errorf("describe deleted: %v", err)
	}
	if err := e.s.DeleteStream(ctx, "orders", false); code(err) != CodeResourceNotFound {
		t.Errorf("delete twice: %v", err)
	}
}

func TestCreateStreamInvalid(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	for _, c := range []struct {
		name string
		c    StreamConfig
		code string
	}{
		{"empty name", StreamConfig{}, CodeValidation},
		{"bad name", StreamConfig{Name: "a/b"}, CodeValidation},
		{"long name", StreamConfig{Name: strings.Repeat("a", 129)}, CodeValidation},
		{"negative shards", StreamConfig{Name: "n", ShardCount: -1}, CodeValidation},
		{"retention short", StreamConfig{Name: "r", RetentionHours: 23}, CodeInvalidArgument},
		{"retention long", StreamConfig{Name: "r", RetentionHours: 8761}, CodeInvalidArgument},
		{"mode", StreamConfig{Name: "m", Mode: "FAST"}, CodeValidation},
		{"account limit", StreamConfig{Name: "big", ShardCount: AccountShardLimit + 1}, CodeLimitExceeded},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := e.s.CreateStream(ctx, c.c); code(err) != c.code {
				t.Errorf("got %v, want %s", err, c.code)
			}
		})
	}
}

func TestPutGet(t *testing.T) {
	e := newEnv(t, Options{Unthrottled: true})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s", ShardCount: 4}))
	var entries []PutEntry
	for i := range 100 {
		entries = append(entries, PutEntry{PartitionKey: fmt.Sprint("key-", i%10), Data: []byte(fmt.Sprint("record ", i))})
	}
	res := put(t, e.s, "s", entries...)
	// MD5 routing: a key's records are in one shard, in order.
	byKey := map[string]string{}
	for i, r := range res {
		if prev, ok := byKey[entries[i].PartitionKey]; ok && prev != r.ShardID {
			t.Fatalf("key %s in %s and %s", entries[i].PartitionKey, prev, r.ShardID)
		}
		byKey[entries[i].PartitionKey] = r.ShardID
		if want := shardFor(t, e.s, "s", keyOf(entries[i].PartitionKey)); r.ShardID != want {
			t.Errorf("record %d in %s, want %s", i, r.ShardID, want)
		}
	}
	got := 0
	for sh := range 4 {
		id := shardID(sh)
		recs, last := drain(t, e.s, iter(t, e.s, IteratorInput{Stream: "s", ShardID: id, Type: TrimHorizon}))
		prev := ""
		for _, r := range recs {
			if c, _ := CompareSequence(prev, r.Sequence); prev != "" && c >= 0 {
				t.Errorf("sequence not increasing: %s then %s", prev, r.Sequence)
			}
			prev = r.Sequence
			if byKey[r.PartitionKey] != id {
				t.Errorf("record of %s read from %s", r.PartitionKey, id)
			}
		}
		if last.MillisBehind != 0 || last.Next == "" {
			t.Errorf("at the tip: %+v", last)
		}
		got += len(recs)
	}
	if got != 100 {
		t.Errorf("read %d records, want 100", got)
	}
	// Every read at a position agrees with the put's results.
	r0 := res[0]
	for _, c := range []struct {
		typ   string
		first string
	}{
		{AtSequenceNumber, r0.Sequence},
		{AfterSequenceNumber, ""},
	} {
		recs, _ := drain(t, e.s, iter(t, e.s, IteratorInput{Stream: "s", ShardID: r0.ShardID, Type: c.typ, Sequence: r0.Sequence}))
		if c.first != "" && (len(recs) == 0 || recs[0].Sequence != c.first || string(recs[0].Data) != "record 0") {
			t.Errorf("%s: first %+v", c.typ, recs)
		}
		if c.first == "" && len(recs) > 0 && recs[0].Sequence == r0.Sequence {
			t.Errorf("%s returned the record itself", c.typ)
		}
	}
	// LATEST sees only what comes after.
	it := iter(t, e.s, IteratorInput{Stream: "s", ShardID: r0.ShardID, Type: Latest})
	if recs, _ := drain(t, e.s, it); len(recs) != 0 {
		t.Errorf("LATEST read %d old records", len(recs))
	}
	res2 := put(t, e.s, "s", PutEntry{PartitionKey: entries[0].PartitionKey, Data: []byte("new")})
	recs, _ := drain(t, e.s, it)
	if len(recs) != 1 || string(recs[0].Data) != "new" || recs[0].Sequence != res2[0].Sequence {
		t.Errorf("LATEST then put: %+v", recs)
	}
	// ExplicitHashKey overrides the partition key.
	res3 := put(t, e.s, "s", PutEntry{PartitionKey: "x", ExplicitHashKey: "340282366920938463463374607431768211455", Data: []byte("last")},
		PutEntry{PartitionKey: "x", ExplicitHashKey: "0", Data: []byte("first")})
	if res3[0].ShardID != "shardId-000000000003" || res3[1].ShardID != "shardId-000000000000" {
		t.Errorf("explicit hash keys: %+v", res3)
	}
}

// shardFor finds the open shard of k by comparing decimal ranges.
func shardFor(t testing.TB, s *Service, name string, k hashKey) string {
	d, err := s.Describe(context.Background(), name, 0, "")
	must(t, err)
	for _, sh := range d.Shards {
		lo, _ := parseHashKey(sh.StartingHashKey)
		hi, _ := parseHashKey(sh.EndingHashKey)
		if sh.EndingSequence == "" && lo.cmp(k) <= 0 && k.cmp(hi) <= 0 {
			return sh.ID
		}
	}
	t.Fatalf("no shard holds %s", k)
	return ""
}

func TestPutRecordsInvalid(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s"}))
	many := make([]PutEntry, 501)
	for i := range many {
		many[i] = PutEntry{PartitionKey: "k"}
	}
	big := make([]PutEntry, 6)
	for i := range big {
		big[i] = PutEntry{PartitionKey: "k", Data: make([]byte, 1000000)}
	}
	for _, c := range []struct {
		name    string
		stream  string
		entries []PutEntry
		code    string
		msg     string
	}{
		{"none", "s", nil, CodeValidation, ""},
		{"501", "s", many, CodeValidation, "1 validation error detected: Value '[501 records]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500"},
		{"empty key", "s", []PutEntry{{}}, CodeValidation, ""},
		{"long key", "s", []PutEntry{{PartitionKey: strings.Repeat("é", 257)}}, CodeValidation, ""},
		{"256 runes key", "s", []PutEntry{{PartitionKey: strings.Repeat("é", 256)}}, "", ""},
		{"data over 1 MiB", "s", []PutEntry{{PartitionKey: "k", Data: make([]byte, MaxRecordSize+1)}}, CodeValidation, ""},
		{"key and data over 1 MiB", "s", []PutEntry{{PartitionKey: "kk", Data: make([]byte, MaxRecordSize-1)}}, CodeInvalidArgument, ""},
		{"request over 5 MiB", "s", big, CodeInvalidArgument, "Records size exceeds 5 MB limit"},
		{"hash key too big", "s", []PutEntry{{PartitionKey: "k", ExplicitHashKey: "340282366920938463463374607431768211456"}}, CodeInvalidArgument, ""},
		{"hash key not a number", "s", []PutEntry{{PartitionKey: "k", ExplicitHashKey: "12a"}}, CodeInvalidArgument, ""},
		{"no stream", "nope", []PutEntry{{PartitionKey: "k"}}, CodeResourceNotFound, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.s.PutRecords(ctx, c.stream, c.entries)
			if code(err) != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
			if c.msg != "" && err.(*Error).Message != c.msg {
				t.Errorf("message %q, want %q", err.(*Error).Message, c.msg)
			}
		})
	}
}

func TestIteratorErrors(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	e := newEnv(t, Options{Now: func() time.Time { return clock() }, Unthrottled: true})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s", ShardCount: 2}))
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "t"}))
	r0 := put(t, e.s, "s", PutEntry{PartitionKey: "a", ExplicitHashKey: "0"})[0]
	rt := put(t, e.s, "t", PutEntry{PartitionKey: "a"})[0]
	for _, c := range []struct {
		name string
		in   IteratorInput
		code string
		msg  string
	}{
		{"no stream", IteratorInput{Stream: "x", ShardID: "shardId-000000000000", Type: TrimHorizon}, CodeResourceNotFound, ""},
		{"no shard", IteratorInput{Stream: "s", ShardID: "shardId-000000000009", Type: TrimHorizon}, CodeResourceNotFound, "Shard shardId-000000000009 in stream s under account 000000000000 does not exist"},
		{"bad type", IteratorInput{Stream: "s", ShardID: "shardId-000000000000", Type: "NOW"}, CodeValidation, ""},
		{"at without seq", IteratorInput{Stream: "s", ShardID: "shardId-000000000000", Type: AtSequenceNumber}, CodeInvalidArgument, "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber."},
		{"other shard's seq", IteratorInput{Stream: "s", ShardID: "shardId-000000000001", Type: AtSequenceNumber, Sequence: r0.Sequence}, CodeInvalidArgument, "Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard with shardId-000000000001"},
		{"other stream's seq", IteratorInput{Stream: "s", ShardID: "shardId-000000000000", Type: AtSequenceNumber, Sequence: rt.Sequence}, CodeInvalidArgument, "StartingSequenceNumber " + rt.Sequence + " used in GetShardIterator on shard shardId-000000000000 in stream s under account 000000000000 is invalid because it did not come from this stream."},
		{"malformed seq", IteratorInput{Stream: "s", ShardID: "shardId-000000000000", Type: AtSequenceNumber, Sequence: "01"}, CodeValidation, ""},
		{"timestamp missing", IteratorInput{Stream: "s", ShardID: "shardId-000000000000", Type: AtTimestamp}, CodeInvalidArgument, ""},
		{"timestamp in the future", IteratorInput{Stream: "s", ShardID: "shardId-000000000000", Type: AtTimestamp, At: now.Add(time.Hour)}, CodeInvalidArgument, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.s.GetShardIterator(ctx, c.in)
			if code(err) != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
			if c.msg != "" && err.(*Error).Message != c.msg {
				t.Errorf("message\n%q, want\n%q", err.(*Error).Message, c.msg)
			}
		})
	}
	it := iter(t, e.s, IteratorInput{Stream: "s", ShardID: "shardId-000000000000", Type: TrimHorizon})
	for _, bad := range []string{"", "AAAA", it[:len(it)-4] + "AAAA", strings.Repeat("A", 600)} {
		if _, err := e.s.GetRecords(ctx, bad, 0); code(err) != CodeInvalidArgument {
			t.Errorf("GetRecords(%.20q): %v", bad, err)
		}
	}
	if _, err := e.s.GetRecords(ctx, it, 10001); code(err) != CodeValidation {
		t.Errorf("limit 10001: %v", err)
	}
	created := now
	now = now.Add(IteratorLifetime + time.Second)
	_, err := e.s.GetRecords(ctx, it, 0)
	want := fmt.Sprintf("Iterator expired. The iterator was created at time %s while right now it is %s which is further in the future than the tolerated delay of 300000 milliseconds.",
		created.UTC().Format("Mon Jan 02 15:04:05 UTC 2006"), now.UTC().Format("Mon Jan 02 15:04:05 UTC 2006"))
	if code(err) != CodeExpiredIterator || err.(*Error).Message != want {
		t.Errorf("expired: %v", err)
	}
	// A deleted and recreated stream refuses the old iterators.
	it = iter(t, e.s, IteratorInput{Stream: "t", ShardID: "shardId-000000000000", Type: TrimHorizon})
	must(t, e.s.DeleteStream(ctx, "t", false))
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "t"}))
	if _, err := e.s.GetRecords(ctx, it, 0); code(err) != CodeResourceNotFound {
		t.Errorf("iterator of a deleted stream: %v", err)
	}
}

func TestAtTimestamp(t *testing.T) {
	now := time.UnixMilli(1_700_000_000_000)
	e := newEnv(t, Options{Now: func() time.Time { return now }, Unthrottled: true})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s"}))
	put(t, e.s, "s", PutEntry{PartitionKey: "a", Data: []byte("old")})
	now = now.Add(time.Minute)
	mid := now
	put(t, e.s, "s", PutEntry{PartitionKey: "a", Data: []byte("new")})
	recs, _ := drain(t, e.s, iter(t, e.s, IteratorInput{Stream: "s", ShardID: "shardId-000000000000", Type: AtTimestamp, At: mid}))
	if len(recs) != 1 || string(recs[0].Data) != "new" || !recs[0].Arrival.Equal(mid) {
		t.Errorf("AT_TIMESTAMP: %+v", recs)
	}
}

// TestLargestRecord: a record of 1 MiB, key included, is stored and read
// back whole; GetRecords stops near 10 MiB.
func TestLargestRecord(t *testing.T) {
	e := newEnv(t, Options{Unthrottled: true})
	ctx := context.Background()
	must(t, e.s.CreateStream(ctx, StreamConfig{Name: "s"}))
	key := strings.Repeat("k", MaxPartitionKey)
	data := make([]byte, MaxRecordSize-len(key))
	for i := range data {
		data[i] = byte(i)
	}
	for range 12 {
		put(t, e.s, "s", PutEntry{PartitionKey: key, Data: data})
	}
	r, err := e.s.GetRecords(ctx, iter(t, e.s, IteratorInput{Stream: "s", ShardID: "shardId-000000000000", Type: TrimHorizon}), 0)
	must(t, err)
	if n := len(r.Records); n < 9 || n > 10 {
		t.Errorf("%d records of 1 MiB in one GetRecords", n)
	}
	if got := r.Records[0]; got.PartitionKey != key || string(got.Data) != string(data) {
		t.Error("the record came back changed")
	}
	rest, _ := drain(t, e.s, r.Next)
	if len(r.Records)+len(rest) != 12 {
		t.Errorf("read %d+%d records", len(r.Records), len(rest))
	}
}
