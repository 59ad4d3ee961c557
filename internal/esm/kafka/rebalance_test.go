package kafka

import (
	"testing"
	"time"
)

// TestRebalance: two managers run the same mapping (one consumer group)
// while records keep coming; a second one joining and the first one
// leaving move partitions between them, and no record is delivered
// twice (each batch succeeds and is committed before the group may
// rebalance) nor lost.
func TestRebalance(t *testing.T) {
	const parts = 6
	c := cluster(t, parts)
	a, b := newSink(t), newSink(t)
	ma, mb := manager(t, a, nil), manager(t, b, nil)
	defer closeManager(t, mb)
	mp := mapping(c)
	mp.BatchSize = 10
	if err := ma.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	n := 0
	more := func(k int) {
		produce(t, c.ListenAddrs(), parts, n, k)
		n += k
	}
	more(300)
	eventually(t, "the first manager's records", func() bool { return a.count() > 0 })
	if err := mb.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		more(60)
		time.Sleep(50 * time.Millisecond)
	}
	eventually(t, "the second manager's share", func() bool { return b.count() > 0 })
	closeManager(t, ma)
	more(300)
	total := func() map[string]int {
		seen := map[string]int{}
		for _, s := range []*sink{a, b} {
			for _, vals := range s.values() {
				for _, v := range vals {
					seen[v]++
				}
			}
		}
		return seen
	}
	eventually(t, "every record", func() bool { return len(total()) >= n })
	for v, k := range total() {
		if k != 1 {
			t.Errorf("record %s delivered %d times", v, k)
		}
	}
	if len(total()) != n {
		t.Errorf("%d records delivered, want %d", len(total()), n)
	}
}
