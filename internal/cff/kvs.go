package cff

import (
	"bytes"
	"encoding/json"
	"os"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/jsfn"
)

// CloudFront KeyValueStore quotas.
const (
	maxKVSKey   = 512
	maxKVSValue = 1 << 10
	maxKVSStore = 5 << 20
)

// KVS is a key-value-store's data, read-only while functions run.
type KVS struct {
	data     map[string][]byte
	modified time.Time
}

var _ jsfn.KVSMetaHost = (*KVS)(nil)

// kvsImport is CloudFront's import format: {"data":[{"key":…,"value":…}]}.
type kvsImport struct {
	Data []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"data"`
}

// LoadKVS reads a store's JSON file: CloudFront's import format, or a plain
// object whose string values are taken as they are and other values as
// their JSON text. CloudFront's quotas apply (key 512 B, value 1 KB, store 5 MB).
func LoadKVS(file string) (*KVS, error) {
	const op errs.Op = "cff.LoadKVS"
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	st, err := os.Stat(file)
	if err != nil {
		return nil, errs.E(op, errs.IO, err)
	}
	k := &KVS{data: map[string][]byte{}, modified: st.ModTime()}
	if err := k.decode(raw); err != nil {
		return nil, errs.E(op, errs.Invalid, file, err)
	}
	if err := k.checkQuotas(); err != nil {
		return nil, errs.E(op, errs.Invalid, file, err)
	}
	return k, nil
}

// NewKVS makes a store of inline data, under the same quotas.
func NewKVS(data map[string]string) (*KVS, error) {
	const op errs.Op = "cff.NewKVS"
	k := &KVS{data: make(map[string][]byte, len(data)), modified: time.Now()}
	for key, v := range data {
		k.data[key] = []byte(v)
	}
	if err := k.checkQuotas(); err != nil {
		return nil, errs.E(op, errs.Invalid, err)
	}
	return k, nil
}

// checkQuotas applies CloudFront's KeyValueStore quotas.
func (k *KVS) checkQuotas() error {
	total := 0
	for key, v := range k.data {
		switch {
		case len(key) == 0 || len(key) > maxKVSKey:
			return errs.Errorf("key %.40q: keys are 1 to %d bytes", key, maxKVSKey)
		case len(v) > maxKVSValue:
			return errs.Errorf("key %.40q: values are at most %d bytes", key, maxKVSValue)
		}
		total += len(key) + len(v)
	}
	if total > maxKVSStore {
		return errs.Errorf("the store holds %d bytes, more than CloudFront's %d", total, maxKVSStore)
	}
	return nil
}

func (k *KVS) decode(raw []byte) error {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		return errs.Errorf("not a JSON object: %v", err)
	}
	if d, ok := probe["data"]; ok && len(probe) == 1 && bytes.HasPrefix(bytes.TrimSpace(d), []byte("[")) {
		var imp kvsImport
		if err := json.Unmarshal(raw, &imp); err != nil {
			return errs.Errorf("import format: %v", err)
		}
		for _, e := range imp.Data {
			k.data[e.Key] = []byte(e.Value)
		}
		return nil
	}
	for key, v := range probe {
		var s string
		if json.Unmarshal(v, &s) == nil {
			k.data[key] = []byte(s)
		} else {
			k.data[key] = bytes.TrimSpace(v)
		}
	}
	return nil
}

// KVSGet returns the value of key.
func (k *KVS) KVSGet(key string) ([]byte, bool) {
	v, ok := k.data[key]
	return v, ok
}

// KVSMeta answers kvs().meta().
func (k *KVS) KVSMeta() jsfn.KVSMeta {
	return jsfn.KVSMeta{CreationDateTime: k.modified, LastUpdatedDateTime: k.modified, KeyCount: len(k.data)}
}
