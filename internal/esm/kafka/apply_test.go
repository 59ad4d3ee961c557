package kafka

import (
	"testing"

	"github.com/verge-edge/verge/internal/esm"
)

// TestApply: an unchanged mapping keeps running, a changed one restarts
// from the group's offsets, a removed one stops, a disabled one reads
// nothing, and invalid ones are refused while the valid ones apply.
func TestApply(t *testing.T) {
	c := cluster(t, 1)
	produce(t, c.ListenAddrs(), 1, 0, 10)
	s := newSink(t)
	m := manager(t, s, nil)
	defer closeManager(t, m)
	mp := mapping(c)
	if err := m.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "10 records", func() bool { return s.count() >= 10 })
	first := m.set.Run(mp.UUID)
	if err := m.Apply([]Mapping{mp}); err != nil || m.set.Run(mp.UUID) != first {
		t.Fatalf("an unchanged mapping restarted (%v)", err)
	}
	changed := mp
	changed.BatchSize = 5
	bad := mp
	bad.UUID, bad.BatchSize = "bad", 10_001
	if err := m.Apply([]Mapping{changed, bad}); err == nil {
		t.Error("a BatchSize of 10,001 was accepted")
	}
	if m.set.Run(mp.UUID) == first || m.set.Run("bad") != nil {
		t.Fatal("the changed mapping did not restart, or the bad one runs")
	}
	produce(t, c.ListenAddrs(), 1, 10, 10)
	eventually(t, "10 more", func() bool { return s.count() >= 20 })
	if s.count() != 20 {
		t.Errorf("%d records after the restart, want 20 (resumed from the committed offset)", s.count())
	}
	for _, ev := range s.events()[len(s.events())-2:] {
		if n := len(ev.Records[topic+"-0"]); n != 5 {
			t.Errorf("a batch of %d after BatchSize 5", n)
		}
	}
	off := mp
	off.Enabled = false
	if err := m.Apply([]Mapping{off}); err != nil {
		t.Fatal(err)
	}
	if st := m.States()[mp.UUID]; st.State != StateDisabled {
		t.Errorf("state %+v", st)
	}
	if err := m.Apply(nil); err != nil || len(m.States()) != 0 {
		t.Errorf("states %v after removing every mapping (%v)", m.States(), err)
	}
}

// TestDefaults: BatchSize 100 and LATEST when unset; infinite retries
// become 10 with an on-failure destination, as Lambda does for Kafka.
func TestDefaults(t *testing.T) {
	mp := Mapping{MaximumRetryAttempts: -1}.withDefaults()
	if mp.BatchSize != 100 || mp.StartingPosition != esm.Latest || mp.MaximumRetryAttempts != -1 {
		t.Errorf("%+v", mp)
	}
	mp = Mapping{MaximumRetryAttempts: -1, OnFailure: &esm.Destination{Kind: "sqs", Name: "q"}}.withDefaults()
	if mp.MaximumRetryAttempts != 10 {
		t.Errorf("MaximumRetryAttempts %d with a destination", mp.MaximumRetryAttempts)
	}
	mp = Mapping{MaximumRetryAttempts: 3, OnFailure: &esm.Destination{Kind: "sqs", Name: "q"}}.withDefaults()
	if mp.MaximumRetryAttempts != 3 {
		t.Errorf("MaximumRetryAttempts %d", mp.MaximumRetryAttempts)
	}
}
