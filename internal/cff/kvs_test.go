package cff

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKVS(t *testing.T) {
	dir := t.TempDir()
	type tc struct {
		name, content string
		key, want     string
		err           string
	}
	for _, c := range []tc{
		{"import format", `{"data":[{"key":"a","value":"1"},{"key":"b","value":"two"}]}`, "b", "two", ""},
		{"plain object", `{"a":"1","n":42,"o":{"x":true}}`, "o", `{"x":true}`, ""},
		{"a key named data that is not the import format", `{"data":"plain"}`, "data", "plain", ""},
		{"not an object", `[1,2]`, "", "", "not a JSON object"},
		{"value over 1 KB", `{"big":"` + strings.Repeat("x", 1025) + `"}`, "", "", "at most 1024 bytes"},
		{"key over 512 B", `{"` + strings.Repeat("k", 513) + `":"v"}`, "", "", "keys are 1 to 512 bytes"},
	} {
		p := filepath.Join(dir, "kv.json")
		if err := os.WriteFile(p, []byte(c.content), 0o644); err != nil {
			t.Fatal(err)
		}
		k, err := LoadKVS(p)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if v, ok := k.KVSGet(c.key); !ok || string(v) != c.want {
			t.Errorf("%s: %s = %q %v, want %q", c.name, c.key, v, ok, c.want)
		}
		if _, ok := k.KVSGet("missing"); ok {
			t.Errorf("%s: a missing key was found", c.name)
		}
	}
	k, err := NewKVS(map[string]string{"/old": "/new"})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := k.KVSGet("/old"); string(v) != "/new" || k.KVSMeta().KeyCount != 1 {
		t.Errorf("inline store: %q %+v", v, k.KVSMeta())
	}
	if _, err := NewKVS(map[string]string{"": "x"}); err == nil {
		t.Error("an empty key was accepted")
	}
}
