package store

import (
	"bytes"
	"context"
	"slices"
	"testing"
)

// TestSecret: the secret is made once and read back after a restart, and
// it is not taken for a table.
func TestSecret(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	e := open(t, dir, Options{})
	first, err := e.s.Secret(ctx)
	if err != nil || len(first) != 32 {
		t.Fatalf("Secret: %x, %v", first, err)
	}
	if _, err := e.s.CreateTable(ctx, TableConfig{Name: "things", Key: KeySchema{Partition: Attr{Name: "id", Type: TypeS}}}); err != nil {
		t.Fatal(err)
	}
	e.close()
	e = open(t, dir, Options{})
	again, err := e.s.Secret(ctx)
	if err != nil || !bytes.Equal(first, again) {
		t.Fatalf("after a restart the secret is %x (%v), was %x", again, err, first)
	}
	if got := e.s.Tables(); !slices.Equal(got, []string{"things"}) {
		t.Fatalf("tables %v", got)
	}
}
