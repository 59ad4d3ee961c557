package cache

import "errors"

// Tiered puts a memory store in front of an optional disk store: reads fall
// through to disk and promote what they find; writes go to both.
type Tiered struct {
	Mem  *Memory
	Disk *Disk // nil when there is no disk tier
}

var _ Store = (*Tiered)(nil)

// Get looks in memory, then on disk.
func (t *Tiered) Get(key string) (*Entry, bool) {
	if e, ok := t.Mem.Get(key); ok {
		return e, true
	}
	if t.Disk == nil {
		return nil, false
	}
	e, ok := t.Disk.Get(key)
	if ok {
		t.Mem.Set(e)
	}
	return e, ok
}

// Set stores e in both tiers.
func (t *Tiered) Set(e *Entry) {
	t.Mem.Set(e)
	if t.Disk != nil {
		t.Disk.Set(e)
	}
}

// Delete removes key from both tiers.
func (t *Tiered) Delete(key string) {
	t.Mem.Delete(key)
	if t.Disk != nil {
		t.Disk.Delete(key)
	}
}

// Purge removes matching entries from both tiers and returns the larger count.
func (t *Tiered) Purge(m Matcher) int {
	n := t.Mem.Purge(m)
	if t.Disk != nil {
		n = max(n, t.Disk.Purge(m))
	}
	return n
}

// Stats returns the memory tier's counts; DiskStats has the disk's.
func (t *Tiered) Stats() Stats { return t.Mem.Stats() }

// DiskStats returns the disk tier's counts, zero without one.
func (t *Tiered) DiskStats() Stats {
	if t.Disk == nil {
		return Stats{}
	}
	return t.Disk.Stats()
}

// Close closes both tiers.
func (t *Tiered) Close() error {
	err := t.Mem.Close()
	if t.Disk != nil {
		err = errors.Join(err, t.Disk.Close())
	}
	return err
}
