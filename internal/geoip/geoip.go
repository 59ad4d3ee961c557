package geoip

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"strings"
	"sync/atomic"

	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/verge-edge/verge/internal/errs"
)

// DB maps viewer IP addresses to ISO 3166-1 alpha-2 country codes.
// Its methods are safe for concurrent use.
type DB struct {
	// reader is nil once closed. Close drops it rather than unmapping it,
	// so a Country call already holding it stays valid; the reader's own
	// runtime cleanup unmaps the file when the last holder is done.
	reader atomic.Pointer[maxminddb.Reader]
	codes  codeCache
}

// Open reads the MaxMind DB file at path (GeoLite2-Country, GeoIP2-Country,
// DB-IP Country Lite, or a City database). The error names path and says
// whether the file is missing, not a MaxMind DB, or has no country data.
func Open(path string) (*DB, error) {
	if err := checkFile(path); err != nil {
		return nil, err
	}
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, errs.E(errs.Op(opOpen), errs.Invalid, path, fmt.Errorf("not a MaxMind DB (.mmdb) file: %w", err))
	}
	if err := checkType(r.Metadata.DatabaseType); err != nil {
		_ = r.Close() // unused: nothing else holds it
		return nil, errs.E(errs.Op(opOpen), errs.Invalid, path, err)
	}
	db := &DB{}
	db.reader.Store(r)
	return db, nil
}

// checkFile tells a missing or unreadable file apart from a bad one,
// which maxminddb.Open reports alike.
func checkFile(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errs.E(errs.Op(opOpen), errs.NotFound, path, errors.New("GeoIP database file does not exist"))
	case err != nil:
		return errs.E(errs.Op(opOpen), errs.IO, path, err)
	case !fi.Mode().IsRegular():
		return errs.E(errs.Op(opOpen), errs.Invalid, path, errors.New("GeoIP database is not a regular file"))
	}
	return nil
}

// checkType accepts database types whose records hold a country. The
// metadata is the only cheap signal: probing records would need an address
// known to be in every database.
func checkType(dbType string) error {
	lower := strings.ToLower(dbType)
	for _, t := range countryTypes {
		if strings.Contains(lower, t) {
			return nil
		}
	}
	return fmt.Errorf("database type %q has no country data (want a Country or City database such as GeoLite2-Country)", dbType)
}

// Country returns the country code for ip, an IPv4 or IPv6 address
// (IPv4-mapped IPv6 and a host:port form are accepted too). It returns ""
// when ip is unparsable, not in the database, has no valid code, or the
// DB is closed.
func (db *DB) Country(ip string) string {
	r := db.reader.Load()
	if r == nil {
		return ""
	}
	addr, ok := parseAddr(ip)
	if !ok {
		return ""
	}
	res := r.Lookup(addr)
	if !res.Found() {
		return ""
	}
	if code, ok := db.codes.get(res.Offset()); ok {
		return code
	}
	code := decodeCode(res, countryPath)
	if code == "" {
		code = decodeCode(res, registeredPath)
	}
	db.codes.put(res.Offset(), code)
	return code
}

// parseAddr parses an address or host:port, unmapping IPv4-mapped IPv6 so
// ::ffff:203.0.113.5 finds the IPv4 network even in a database that does
// not alias ::ffff:0:0/96.
func parseAddr(s string) (netip.Addr, bool) {
	var addr netip.Addr
	var err error
	if hasPort(s) {
		var ap netip.AddrPort
		ap, err = netip.ParseAddrPort(s)
		addr = ap.Addr()
	} else {
		addr, err = netip.ParseAddr(s)
	}
	if err != nil {
		return netip.Addr{}, false
	}
	return addr.Unmap().WithZone(""), true
}

// hasPort tells host:port ("203.0.113.5:443", "[2001:db8::1]:443") from a
// bare address by its shape, so a bare address is parsed once: an IPv6
// address has at least two colons and no brackets.
func hasPort(s string) bool {
	return strings.HasPrefix(s, "[") || strings.Count(s, ":") == 1
}

// decodeCode reads the code at path from res, or "" if it is absent or
// not two ASCII letters; a header value must never carry a database's
// stray bytes.
func decodeCode(res maxminddb.Result, path []any) string {
	var code string
	if err := res.DecodePath(&code, path...); err != nil || !validCode(code) {
		return ""
	}
	return code
}

// validCode reports whether s is two ASCII capital letters.
func validCode(s string) bool {
	return len(s) == 2 && isUpper(s[0]) && isUpper(s[1])
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// Close releases the database: Country then returns "", and the mapping
// is unmapped once no call holds it. It is safe to call
// while Country calls are in flight, and more than once.
func (db *DB) Close() error {
	db.reader.Store(nil)
	return nil
}
