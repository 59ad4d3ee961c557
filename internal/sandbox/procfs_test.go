package sandbox

import (
	"os"
	"reflect"
	"slices"
	"testing"
)

func TestParseStatusKB(t *testing.T) {
	type statusCase struct {
		name, in string
		want     int64
		ok       bool
	}
	cases := []statusCase{
		{"kB", "Name:\tpython3\nVmPeak:\t  200 kB\nVmHWM:\t  102400 kB\nVmRSS:\t 5 kB\n", 102400 * 1024, true},
		{"no unit", "VmHWM: 7\n", 7, true},
		{"missing", "VmRSS:\t5 kB\n", 0, false},
		{"prefix only", "VmHWMx: 5 kB\n", 0, false},
		{"empty value", "VmHWM:\n", 0, false},
		{"negative", "VmHWM: -5 kB\n", 0, false},
		{"garbage", "VmHWM: lots kB\n", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := parseStatusKB([]byte(c.in), "VmHWM")
			if got != c.want || ok != c.ok {
				t.Errorf("parseStatusKB(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}

func TestParseStatPPID(t *testing.T) {
	type statCase struct {
		name, in string
		want     int
		ok       bool
	}
	cases := []statCase{
		{"plain", "123 (sleep) S 45 123 45 0 -1", 45, true},
		{"spaces and parens in name", "123 (a ) b) (c) R 7 1 1", 7, true},
		{"no paren", "123 sleep S 45", 0, false},
		{"truncated", "123 (sleep) S", 0, false},
		{"bad ppid", "123 (sleep) S x", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := parseStatPPID([]byte(c.in))
			if got != c.want || ok != c.ok {
				t.Errorf("parseStatPPID(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}

func TestParseMemoryEvents(t *testing.T) {
	type eventsCase struct {
		name, in string
		want     int64
		ok       bool
	}
	cases := []eventsCase{
		{"killed", "low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n", 1, true},
		{"none", "low 0\noom_kill 0\n", 0, true},
		{"absent", "low 0\n", 0, false},
		{"garbage", "oom_kill x\n", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := parseMemoryEvents([]byte(c.in))
			if got != c.want || ok != c.ok {
				t.Errorf("parseMemoryEvents(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}

func TestDescendants(t *testing.T) {
	// This process's own /proc entry parses, and it is nobody's descendant of itself.
	par := parents()
	if par[os.Getpid()] != os.Getppid() {
		t.Errorf("parents()[self] = %d, want %d", par[os.Getpid()], os.Getppid())
	}
	if slices.Contains(descendants(os.Getpid()), os.Getpid()) {
		t.Error("descendants(self) contains self")
	}
}

func TestConfigRoundTrip(t *testing.T) {
	type configCase struct {
		name string
		cfg  shimConfig
	}
	cases := []configCase{
		{"fallback", shimConfig{Dir: "/var/task", FSize: 512 << 20, AS: 1 << 30, Subreaper: true}},
		{"namespaces", shimConfig{Dir: "/tmp/x y", TmpMB: 512, FSize: 512 << 20, Keep: []string{"/tmp/runtime"}}},
		{"probe", shimConfig{TmpMB: 1, Probe: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := decodeConfig(encodeConfig(c.cfg))
			if err != nil || !reflect.DeepEqual(got, c.cfg) {
				t.Errorf("round trip = %+v, %v; want %+v", got, err, c.cfg)
			}
		})
	}
	for _, bad := range []string{"", "{", `{"tmpMB":-1}`, `{"dir":"relative"}`} {
		if _, err := decodeConfig(bad); err == nil {
			t.Errorf("decodeConfig(%q) succeeded", bad)
		}
	}
}

func TestHiddenByTmp(t *testing.T) {
	type hiddenCase struct {
		name string
		in   []string
		want []string
	}
	cases := []hiddenCase{
		{"outside", []string{"/var/task", "/usr/bin"}, nil},
		{"tmp itself", []string{"/tmp"}, nil},
		{"nested", []string{"/tmp/a/task", "/tmp/a"}, []string{"/tmp/a"}},
		{"same", []string{"/tmp/a", "/tmp/a/"}, []string{"/tmp/a"}},
		{"siblings", []string{"/tmp/a", "/tmp/b"}, []string{"/tmp/a", "/tmp/b"}},
		{"lookalike", []string{"/tmpfoo/x"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := hiddenByTmp(c.in); !slices.Equal(got, c.want) {
				t.Errorf("hiddenByTmp(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func FuzzParseStatusKB(f *testing.F) {
	f.Add([]byte("VmHWM:\t  102400 kB\n"))
	f.Add([]byte("VmHWM: 99999999999999999999 kB\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, ok := parseStatusKB(b, "VmHWM"); ok && v < 0 {
			t.Errorf("negative peak %d", v)
		}
	})
}

func FuzzParseStatPPID(f *testing.F) {
	f.Add([]byte("123 (sleep) S 45 123 45 0 -1"))
	f.Add([]byte("1 ()) Z 0"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, ok := parseStatPPID(b); ok && v < 0 {
			t.Errorf("negative ppid %d", v)
		}
	})
}

func FuzzParseMemoryEvents(f *testing.F) {
	f.Add([]byte("oom 2\noom_kill 1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, ok := parseMemoryEvents(b); ok && v < 0 {
			t.Errorf("negative count %d", v)
		}
	})
}

func FuzzDecodeConfig(f *testing.F) {
	f.Add(encodeConfig(shimConfig{Dir: "/var/task", TmpMB: 512, FSize: 1, AS: 2, Subreaper: true}))
	f.Add(`{"dir":"/a","probe":true}`)
	f.Fuzz(func(t *testing.T, s string) {
		c, err := decodeConfig(s)
		if err != nil {
			return
		}
		if c.TmpMB < 0 {
			t.Errorf("accepted negative tmpfs size: %+v", c)
		}
		again, err := decodeConfig(encodeConfig(c))
		if err != nil || encodeConfig(again) != encodeConfig(c) {
			t.Errorf("re-encoding %+v gave %+v, %v", c, again, err)
		}
	})
}

func TestShimBeside(t *testing.T) {
	// The test binary has no verge-sandbox beside it.
	if got := ShimBeside(); got != "" {
		t.Errorf("ShimBeside() = %q, want none", got)
	}
}
