package kafka

import (
	"testing"
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
	first := m.runners[mp.UUID]
	if err := m.Apply([]Mapping{mp}); err != nil || m.runners[mp.UUID] != first {
		t.Fatalf("an unchanged mapping restarted (%v)", err)
	}
	changed := mp
	changed.BatchSize = 5
	bad := mp
	bad.UUID, bad.BatchSize = "bad", 10_001
	if err := m.Apply([]Mapping{changed, bad}); err == nil {
		t.Error("a BatchSize of 10,001 was accepted")
	}
	if m.runners[mp.UUID] == first || m.runners["bad"] != nil {
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
