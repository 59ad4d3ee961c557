package kafka

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

// TestDelivery: every record of 8 partitions is delivered once, in order
// per partition, in SelfManagedKafka events of at most BatchSize records
// of one partition, with AWS's fields; the state goes to Enabled.
func TestDelivery(t *testing.T) {
	c := cluster(t, 8)
	const n = 2000
	produce(t, c.ListenAddrs(), 8, 0, n)
	s := newSink(t)
	m := manager(t, s, nil)
	defer closeManager(t, m)
	mp := mapping(c)
	mp.BatchSize = 50
	if err := m.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "every record", func() bool { return s.count() >= n })
	for p, vals := range s.values() {
		for i, v := range vals {
			if want := strconv.Itoa(int(p) + 8*i); v != want {
				t.Fatalf("partition %d record %d is %s, want %s", p, i, v, want)
			}
		}
	}
	if s.count() != n {
		t.Errorf("%d records delivered, want %d", s.count(), n)
	}
	for _, ev := range s.events() {
		if ev.EventSource != "SelfManagedKafka" || ev.BootstrapServers != c.ListenAddrs()[0] || len(ev.Records) != 1 {
			t.Fatalf("event %+v", ev)
		}
		for key, recs := range ev.Records {
			if len(recs) > 50 || len(recs) == 0 {
				t.Errorf("%d records in a batch", len(recs))
			}
			r := recs[0]
			if key != fmt.Sprintf("%s-%d", topic, r.Partition) || r.Topic != topic || r.TimestampType != "CREATE_TIME" ||
				string(decode64(r.Key)) != "k"+string(decode64(r.Value)) || len(r.Headers) != 1 ||
				string(r.Headers[0]["h"]) != "\x01\xfa" || time.Since(r.Timestamp.Time) > time.Hour {
				t.Errorf("record %s %+v", key, r)
			}
		}
	}
	if st := m.States()[mp.UUID]; st.State != StateEnabled || st.LastProcessingResult != ResultOK {
		t.Errorf("state %+v", st)
	}
}

// TestBatching: a batch holds BatchSize records when that many wait, and
// with a window the records produced one by one within it come together.
func TestBatching(t *testing.T) {
	c := cluster(t, 1)
	produce(t, c.ListenAddrs(), 1, 0, 250)
	s := newSink(t)
	m := manager(t, s, nil)
	defer closeManager(t, m)
	mp := mapping(c)
	mp.BatchSize = 100
	mp.MaxBatchWindow = 2 * time.Second
	if err := m.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "250 records", func() bool { return s.count() >= 250 })
	var sizes []int
	for _, ev := range s.events() {
		sizes = append(sizes, len(ev.Records[topic+"-0"]))
	}
	// The first two batches are full; the rest come when the window ends.
	if len(sizes) < 3 || sizes[0] != 100 || sizes[1] != 100 {
		t.Errorf("batch sizes %v", sizes)
	}
	before := len(s.events())
	for i := range 5 {
		produce(t, c.ListenAddrs(), 1, 250+i, 1)
	}
	eventually(t, "5 more", func() bool { return s.count() >= 255 })
	if evs := s.events(); len(evs) != before+1 {
		t.Errorf("5 records produced within the window came in %d events", len(evs)-before)
	}
}

// TestLatest: a new group with LATEST skips the records already in the
// topic and gets the ones produced after it started.
func TestLatest(t *testing.T) {
	c := cluster(t, 1)
	produce(t, c.ListenAddrs(), 1, 0, 5)
	s := newSink(t)
	m := manager(t, s, nil)
	defer closeManager(t, m)
	mp := mapping(c)
	mp.StartingPosition = "LATEST"
	if err := m.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	next := 5
	eventually(t, "a new record", func() bool {
		if s.count() > 0 {
			return true
		}
		produce(t, c.ListenAddrs(), 1, next, 1)
		next++
		time.Sleep(90 * time.Millisecond)
		return false
	})
	v := s.values()[0]
	if first, err := strconv.Atoi(v[0]); err != nil || first < 5 {
		t.Errorf("LATEST delivered %v, records produced before it started", v)
	}
}
