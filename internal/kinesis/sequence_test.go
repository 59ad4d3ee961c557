package kinesis

import (
	"math/big"
	"strings"
	"testing"
)

func TestCompareSequence(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
		err  bool
	}{
		{"0", "0", 0, false},
		{"0", "1", -1, false},
		{"9", "10", -1, false},
		{"49568167373333333333333333333333333333333333333333333333", "49568167373333333334444444444444444444444444444444444444", -1, false},
		{"49568167373333333334444444444444444444444444444444444444", "4956816737333333333333333333333333333333333333333333333", 1, false},
		{"100", "100", 0, false},
		{"", "1", 0, true},
		{"01", "1", 0, true},
		{"1a", "1", 0, true},
		{"1", "-1", 0, true},
		{strings.Repeat("9", 130), "1", 0, true},
	} {
		got, err := CompareSequence(c.a, c.b)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("CompareSequence(%q, %q) = %d, %v; want %d, error %v", c.a, c.b, got, err, c.want, c.err)
		}
		if err != nil && code(err) != CodeInvalidArgument {
			t.Errorf("error code %s", code(err))
		}
	}
}

func TestSeqRoundTrip(t *testing.T) {
	for _, q := range []seq{
		{},
		{tag: 9999999999, shard: 99999999, js: ^uint64(0), ms: 9999999999999999},
		{tag: 42, shard: 3, js: 12345, ms: 1_700_000_000_000},
	} {
		s := q.String()
		if len(s) != seqWidth || !validSequence(s) {
			t.Fatalf("%+v: %q", q, s)
		}
		got, ok := parseSeq(s)
		if !ok || got != q {
			t.Errorf("%+v: parsed %+v %v", q, got, ok)
		}
	}
	// Within a shard, string order is JetStream order is integer order.
	a := seq{tag: 7, shard: 1, js: 99, ms: 5_000}.String()
	b := seq{tag: 7, shard: 1, js: 100, ms: 4_000}.String()
	if c, _ := CompareSequence(a, b); c != -1 || a >= b {
		t.Errorf("%s vs %s", a, b)
	}
	for _, bad := range []string{"", "48" + strings.Repeat("0", 54), "49" + strings.Repeat("x", 54), strings.Repeat("4", 55)} {
		if _, ok := parseSeq(bad); ok {
			t.Errorf("parseSeq(%q) ok", bad)
		}
	}
}

func TestSplitRange(t *testing.T) {
	two128 := new(big.Int).Lsh(big.NewInt(1), 128)
	for _, n := range []int{1, 2, 3, 4, 7, 100, 500} {
		r := splitRange(n)
		if len(r) != n || r[0][0] != (hashKey{}) || r[n-1][1] != maxHashKey {
			t.Fatalf("%d: ends %v", n, r)
		}
		step := new(big.Int).Div(two128, big.NewInt(int64(n)))
		for i := range r {
			if i > 0 && add(r[i-1][1], hashKey{0, 1}) != r[i][0] {
				t.Errorf("%d: gap before %d", n, i)
			}
			if want := new(big.Int).Mul(step, big.NewInt(int64(i))); r[i][0].big().Cmp(want) != 0 {
				t.Errorf("%d: shard %d starts at %s, want %s", n, i, r[i][0], want)
			}
		}
	}
}

func TestHashKey(t *testing.T) {
	// MD5("s1") = 0x...: compare with math/big.
	k := keyOf("s1")
	if got, ok := parseHashKey(k.String()); !ok || got != k {
		t.Errorf("round trip %s", k)
	}
	for _, c := range []struct {
		s  string
		ok bool
	}{
		{"0", true}, {"340282366920938463463374607431768211455", true}, {"340282366920938463463374607431768211456", false},
		{"-1", false}, {"01", false}, {"", false}, {"1e3", false},
	} {
		if _, ok := parseHashKey(c.s); ok != c.ok {
			t.Errorf("parseHashKey(%q) %v", c.s, ok)
		}
	}
}

func FuzzCompareSequence(f *testing.F) {
	f.Add("0", "1")
	f.Add("49568167373333333333333333333333333333333333333333333333", "49568167373333333334444444444444444444444444444444444444")
	f.Add("01", "x")
	f.Fuzz(func(t *testing.T, a, b string) {
		c, err := CompareSequence(a, b)
		if err != nil {
			if validSequence(a) && validSequence(b) {
				t.Fatalf("valid %q %q refused", a, b)
			}
			return
		}
		x, _ := new(big.Int).SetString(a, 10)
		y, _ := new(big.Int).SetString(b, 10)
		if want := x.Cmp(y); c != want {
			t.Fatalf("CompareSequence(%q, %q) = %d, big says %d", a, b, c, want)
		}
	})
}

func FuzzParseSeq(f *testing.F) {
	f.Add(seq{tag: 1, shard: 2, js: 3, ms: 4}.String())
	f.Add("49" + strings.Repeat("9", 54))
	f.Add("4x")
	f.Fuzz(func(t *testing.T, s string) {
		q, ok := parseSeq(s)
		if !ok {
			return
		}
		if q.String() != s {
			t.Fatalf("parseSeq(%q) = %+v, which is %q", s, q, q.String())
		}
	})
}

func FuzzDecodeRecord(f *testing.F) {
	f.Add(encodeRecord(1_700_000_000_000, "key", []byte("data")))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, ok := decodeRecord(b)
		if !ok {
			return
		}
		if got := encodeRecord(r.ms, r.key, r.data); string(got) != string(b) {
			t.Fatalf("re-encoded %q, want %q", got, b)
		}
	})
}
