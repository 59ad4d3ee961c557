package geoip

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/verge-edge/verge/internal/errs"
)

// record is one network of a test database and its data.
type record struct {
	cidr string
	data mmdbtype.Map
}

// geoRecord is the GeoLite2-Country record shape for code.
func geoRecord(code string) mmdbtype.Map {
	return mmdbtype.Map{
		"continent": mmdbtype.Map{"code": mmdbtype.String("EU"), "names": mmdbtype.Map{"en": mmdbtype.String("Europe")}},
		"country": mmdbtype.Map{
			"geoname_id": mmdbtype.Uint32(1),
			"iso_code":   mmdbtype.String(code),
			"names":      mmdbtype.Map{"en": mmdbtype.String(code + " land"), "de": mmdbtype.String(code + " Land")},
		},
		"registered_country": mmdbtype.Map{"iso_code": mmdbtype.String(code)},
	}
}

// countryRecords are the networks of the test country database. Later
// entries override the overlapping parts of earlier ones.
var countryRecords = []record{
	{"203.0.113.0/24", geoRecord("GB")},
	{"2001:db8::/32", geoRecord("DE")},
	{"2001:db8:1::/48", geoRecord("FR")},
	// No country (as on some anycast networks): registered_country answers.
	{"198.51.100.0/25", mmdbtype.Map{"registered_country": mmdbtype.Map{"iso_code": mmdbtype.String("US")}}},
	// Data that must not reach a header.
	{"198.51.100.128/26", mmdbtype.Map{"country": mmdbtype.Map{"iso_code": mmdbtype.String("G\r\nX-Evil: 1")}}},
	{"198.51.100.192/26", mmdbtype.Map{"country": mmdbtype.Map{"iso_code": mmdbtype.Uint32(44)}}},
	{"192.0.2.0/24", mmdbtype.Map{"country": mmdbtype.String("GB")}},
	{"192.0.2.0/28", mmdbtype.Map{"country": mmdbtype.Map{"iso_code": mmdbtype.String("gb")}}},
}

// writeDB writes an .mmdb of the given type and IP version holding recs
// into a temporary directory and returns its path.
func writeDB(tb testing.TB, dbType string, ipVersion int, recs []record) string {
	tb.Helper()
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            dbType,
		IPVersion:               ipVersion,
		RecordSize:              28,
		IncludeReservedNetworks: true, // the documentation ranges are reserved
	})
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range recs {
		_, network, err := net.ParseCIDR(r.cidr)
		if err != nil {
			tb.Fatal(err)
		}
		if err := tree.Insert(network, r.data); err != nil {
			tb.Fatalf("insert %s: %v", r.cidr, err)
		}
	}
	path := filepath.Join(tb.TempDir(), strings.ToLower(dbType)+".mmdb")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := tree.WriteTo(f); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// openTestDB opens a GeoLite2-Country database of countryRecords.
func openTestDB(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(writeDB(tb, "GeoLite2-Country", 6, countryRecords))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

type countryCase struct {
	name, ip, want string
}

var countryCases = []countryCase{
	{"ipv4 hit", "203.0.113.7", "GB"},
	{"ipv4 first", "203.0.113.0", "GB"},
	{"ipv4 last", "203.0.113.255", "GB"},
	{"ipv4 miss after", "203.0.114.0", ""},
	{"ipv4 miss before", "203.0.112.255", ""},
	{"ipv4 loopback", "127.0.0.1", ""},
	{"ipv4 unspecified", "0.0.0.0", ""},
	{"ipv4-mapped dotted", "::ffff:203.0.113.7", "GB"},
	{"ipv4-mapped hex", "::ffff:cb00:7107", "GB"},
	{"ipv4-mapped miss", "::ffff:203.0.114.1", ""},
	{"ipv6 hit", "2001:db8::1", "DE"},
	{"ipv6 hit upper case", "2001:DB8:FFFF::1", "DE"},
	{"ipv6 longer prefix wins", "2001:db8:1::5", "FR"},
	{"ipv6 miss", "2001:db9::1", ""},
	{"ipv6 loopback", "::1", ""},
	{"ipv6 unspecified", "::", ""},
	{"ipv6 zone ignored", "2001:db8::1%eth0", "DE"},
	{"ipv4 host:port", "203.0.113.7:443", "GB"},
	{"ipv6 host:port", "[2001:db8::1]:443", "DE"},
	{"registered_country fallback", "198.51.100.1", "US"},
	{"code with CRLF rejected", "198.51.100.130", ""},
	{"code of wrong type", "198.51.100.200", ""},
	{"country not a map", "192.0.2.100", ""},
	{"lower-case code rejected", "192.0.2.1", ""},
	{"empty", "", ""},
	{"word", "localhost", ""},
	{"three octets", "203.0.113", ""},
	{"five octets", "203.0.113.7.1", ""},
	{"octet too big", "203.0.113.256", ""},
	{"leading zero", "203.0.113.07", ""},
	{"trailing space", "203.0.113.7 ", ""},
	{"bracketed without port", "[2001:db8::1]", ""},
	{"cidr", "203.0.113.0/24", ""},
	{"forwarded list", "203.0.113.7, 10.0.0.1", ""},
}

func TestCountry(t *testing.T) {
	db := openTestDB(t)
	for _, c := range countryCases {
		t.Run(c.name, func(t *testing.T) {
			if got := db.Country(c.ip); got != c.want {
				t.Errorf("Country(%q) = %q, want %q", c.ip, got, c.want)
			}
		})
	}
}

// TestCountryIPv4Database covers an IPv4-only database, where an IPv6
// lookup is an error that must read as unknown.
func TestCountryIPv4Database(t *testing.T) {
	db, err := Open(writeDB(t, "GeoIP2-Country", 4, countryRecords[:1]))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []countryCase{
		{"ipv4 hit", "203.0.113.7", "GB"},
		{"ipv4-mapped hit", "::ffff:203.0.113.7", "GB"},
		{"ipv6", "2001:db8::1", ""},
	} {
		if got := db.Country(c.ip); got != c.want {
			t.Errorf("%s: Country(%q) = %q, want %q", c.name, c.ip, got, c.want)
		}
	}
}

// TestCountryAllocs pins the per-request cost: no allocation for a
// well-formed address, found or not, once its record is cached. (An
// unparsable one costs netip's error value.)
func TestCountryAllocs(t *testing.T) {
	db := openTestDB(t)
	for _, ip := range []string{"203.0.113.7", "2001:db8::1", "::ffff:203.0.113.7", "198.51.100.1", "198.51.100.130", "203.0.114.1", "203.0.113.7:443", "[2001:db8::1]:443"} {
		db.Country(ip) // warm the code cache
		if n := testing.AllocsPerRun(100, func() { db.Country(ip) }); n != 0 {
			t.Errorf("Country(%q): %v allocs per call, want 0", ip, n)
		}
	}
}

type openErrCase struct {
	name string
	path func(t *testing.T) string
	kind errs.Kind
	msg  string // substring of the error, besides the path
}

func TestOpenErrors(t *testing.T) {
	writeFile := func(name string, data []byte) func(t *testing.T) string {
		return func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	for _, c := range []openErrCase{
		{"missing", func(t *testing.T) string { return filepath.Join(t.TempDir(), "GeoLite2-Country.mmdb") }, errs.NotFound, "does not exist"},
		{"directory", func(t *testing.T) string { return t.TempDir() }, errs.Invalid, "not a regular file"},
		{"empty", writeFile("empty.mmdb", nil), errs.Invalid, "not a MaxMind DB"},
		{"text", writeFile("country.mmdb", []byte("203.0.113.0/24,GB\n")), errs.Invalid, "not a MaxMind DB"},
		{"truncated marker", writeFile("marker.mmdb", []byte("\xAB\xCD\xEFMaxMind.com")), errs.Invalid, "not a MaxMind DB"},
		{"asn database", func(t *testing.T) string {
			return writeDB(t, "GeoLite2-ASN", 6, []record{{"203.0.113.0/24", mmdbtype.Map{
				"autonomous_system_number":       mmdbtype.Uint32(64496),
				"autonomous_system_organization": mmdbtype.String("Example"),
			}}})
		}, errs.Invalid, `database type "GeoLite2-ASN" has no country data`},
		{"anonymous ip database", func(t *testing.T) string {
			return writeDB(t, "GeoIP2-Anonymous-IP", 6, []record{{"203.0.113.0/24", mmdbtype.Map{"is_anonymous": mmdbtype.Bool(true)}}})
		}, errs.Invalid, "has no country data"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := c.path(t)
			db, err := Open(path)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !errs.Is(c.kind, err) {
				t.Errorf("kind: got %v, want %v", err, c.kind)
			}
			if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, c.msg) {
				t.Errorf("error %q does not name %s and say %q", msg, path, c.msg)
			}
		})
	}
}

// TestOpenTypes checks which database types count as country databases.
func TestOpenTypes(t *testing.T) {
	for _, typ := range []string{"GeoLite2-Country", "GeoIP2-Country", "DBIP-Country-Lite", "GeoLite2-City", "GeoIP2-Enterprise", "dbip-city-lite"} {
		db, err := Open(writeDB(t, typ, 6, countryRecords[:1]))
		if err != nil {
			t.Errorf("%s: %v", typ, err)
			continue
		}
		if got := db.Country("203.0.113.7"); got != "GB" {
			t.Errorf("%s: Country = %q, want GB", typ, got)
		}
		db.Close()
	}
}

func TestClose(t *testing.T) {
	db := openTestDB(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				if got := db.Country("203.0.113.7"); got != "GB" && got != "" {
					t.Errorf("Country during Close = %q", got)
					return
				}
			}
		})
	}
	if err := db.Close(); err != nil {
		t.Error(err)
	}
	wg.Wait()
	if got := db.Country("203.0.113.7"); got != "" {
		t.Errorf("Country after Close = %q, want \"\"", got)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func FuzzCountry(f *testing.F) {
	for _, c := range countryCases {
		f.Add(c.ip)
	}
	db := openTestDB(f)
	f.Fuzz(func(t *testing.T, ip string) {
		got := db.Country(ip)
		if got != "" && !validCode(got) {
			t.Fatalf("Country(%q) = %q, not a country code", ip, got)
		}
		// Every spelling of an address answers alike.
		if addr, ok := parseAddr(ip); ok {
			if canon := db.Country(addr.String()); canon != got {
				t.Fatalf("Country(%q) = %q but Country(%q) = %q", ip, got, addr, canon)
			}
		}
	})
}

func BenchmarkCountry(b *testing.B) {
	db := openTestDB(b)
	for _, c := range []countryCase{
		{"ipv4 hit", "203.0.113.7", "GB"},
		{"ipv6 hit", "2001:db8::1", "DE"},
		{"ipv4-mapped hit", "::ffff:203.0.113.7", "GB"},
		{"registered fallback", "198.51.100.1", "US"},
		{"miss", "203.0.114.1", ""},
		{"unparsable", "not an ip", ""},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if db.Country(c.ip) != c.want {
					b.Fatal("wrong answer")
				}
			}
		})
	}
	b.Run("parallel ipv4 hit", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if db.Country("203.0.113.7") != "GB" {
					b.Error("wrong answer")
					return
				}
			}
		})
	})
}
