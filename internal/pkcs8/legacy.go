package pkcs8

import (
	"crypto/cipher"
	"crypto/des"
	"crypto/md5"
	"crypto/sha1"
	"encoding/asn1"
	"hash"
	"unicode/utf16"

	"github.com/verge-edge/verge/internal/errs"
)

// The legacy schemes Lambda documents (PBES1, RFC 8018 6.1) and their
// PKCS#12 cousins (RFC 7292 appendix C), as `openssl pkcs8 -topk8 -v1
// PBE-MD5-DES|PBE-SHA1-DES|PBE-SHA1-3DES|PBE-SHA1-2DES` and Java's
// PBEWithMD5AndDES and PBEWithSHA1AndDESede write them. Those with RC2 or
// RC4 are refused by name.
var legacySchemes = []struct {
	oid  asn1.ObjectIdentifier
	name string
	// pkcs12: the PKCS#12 key derivation (SHA-1) of a keySize-byte
	// DES-EDE3 key; otherwise PBKDF1 with hash of a DES key and IV.
	pkcs12  bool
	hash    func() hash.Hash
	keySize int
}{
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 3}, "pbeWithMD5AndDES-CBC", false, md5.New, 8},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 10}, "pbeWithSHA1AndDES-CBC", false, sha1.New, 8},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}, "pbeWithSHAAnd3-KeyTripleDES-CBC", true, sha1.New, 24},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 4}, "pbeWithSHAAnd2-KeyTripleDES-CBC", true, sha1.New, 16},
}

// unsupportedLegacy are the legacy schemes with ciphers Go does not have
// (MD2, RC2, RC4).
var unsupportedLegacy = []asn1.ObjectIdentifier{
	{1, 2, 840, 113549, 1, 5, 1}, {1, 2, 840, 113549, 1, 5, 4}, {1, 2, 840, 113549, 1, 5, 6}, {1, 2, 840, 113549, 1, 5, 11},
	{1, 2, 840, 113549, 1, 12, 1, 1}, {1, 2, 840, 113549, 1, 12, 1, 2}, {1, 2, 840, 113549, 1, 12, 1, 5}, {1, 2, 840, 113549, 1, 12, 1, 6},
}

// pbeParams are PBES1's PBEParameter and PKCS#12's pkcs-12PbeParams.
type pbeParams struct {
	Salt       []byte
	Iterations int
}

func isLegacy(oid asn1.ObjectIdentifier) bool {
	for _, s := range legacySchemes {
		if oid.Equal(s.oid) {
			return true
		}
	}
	for _, u := range unsupportedLegacy {
		if oid.Equal(u) {
			return true
		}
	}
	return false
}

// legacy is the block cipher keyed from password, the IV and the
// scheme's name of a PBES1 or PKCS#12 scheme.
func legacy(oid asn1.ObjectIdentifier, params []byte, password string) (cipher.Block, []byte, string, error) {
	for _, s := range legacySchemes {
		if !oid.Equal(s.oid) {
			continue
		}
		var p pbeParams
		if rest, err := asn1.Unmarshal(params, &p); err != nil || len(rest) != 0 {
			return nil, nil, "", errs.Errorf("the key's %s parameters are malformed", s.name)
		}
		if p.Iterations < 1 || p.Iterations > maxIterations {
			return nil, nil, "", errs.Errorf("the key's %s iteration count %d is not between 1 and %d", s.name, p.Iterations, maxIterations)
		}
		if !s.pkcs12 {
			if len(p.Salt) != 8 {
				return nil, nil, "", errs.Errorf("the key's %s salt is %d bytes, not 8", s.name, len(p.Salt))
			}
			dk := pbkdf1(s.hash, []byte(password), p.Salt, p.Iterations)
			block, err := des.NewCipher(dk[:8])
			return block, dk[8:16], s.name, err
		}
		pw := bmpString(password)
		key := pkcs12KDF(pw, p.Salt, p.Iterations, 1, s.keySize)
		if s.keySize == 16 { // two-key: K1 K2 K1
			key = append(key, key[:8]...)
		}
		block, err := des.NewTripleDESCipher(key)
		return block, pkcs12KDF(pw, p.Salt, p.Iterations, 2, des.BlockSize), s.name, err
	}
	return nil, nil, "", errs.Errorf("the key is encrypted with a legacy scheme Verge cannot read (OID %s: MD2, RC2 or RC4): re-encrypt it with openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES, or -v2 aes-256-cbc", oid)
}

// pbkdf1 is RFC 8018 5.1's PBKDF1 (dkLen = the hash's size, at least the
// 16 bytes of DES's key and IV).
func pbkdf1(h func() hash.Hash, password, salt []byte, iterations int) []byte {
	d := h()
	d.Write(password)
	d.Write(salt)
	return rehash(d, d.Sum(nil), iterations-1)
}

// rehash hashes t with d n times over, each time the last digest.
func rehash(d hash.Hash, t []byte, n int) []byte {
	for range n {
		d.Reset()
		d.Write(t)
		t = d.Sum(t[:0])
	}
	return t
}

// bmpString is a password as PKCS#12 hashes it: UTF-16 big-endian with a
// terminating zero (RFC 7292 B.1).
func bmpString(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(u)+2)
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return append(b, 0, 0)
}

// pkcs12KDF is RFC 7292 B.2's key derivation with SHA-1 (u = 20, v = 64):
// n bytes of purpose id (1 a key, 2 an IV).
func pkcs12KDF(password, salt []byte, iterations int, id byte, n int) []byte {
	const u, v = sha1.Size, 64
	fill := func(b []byte) []byte { // b repeated to a multiple of v bytes
		if len(b) == 0 {
			return nil
		}
		out := make([]byte, v*((len(b)+v-1)/v))
		for i := range out {
			out[i] = b[i%len(b)]
		}
		return out
	}
	d := make([]byte, v)
	for i := range d {
		d[i] = id
	}
	in := append(fill(salt), fill(password)...)
	var out []byte
	for len(out) < n {
		h := sha1.New()
		h.Write(d)
		h.Write(in)
		a := rehash(h, h.Sum(nil), iterations-1)
		out = append(out, a...)
		// I_j = (I_j + B + 1) mod 2^(8v), B = A repeated to v bytes.
		for j := 0; j < len(in); j += v {
			carry := 1
			for k := v - 1; k >= 0; k-- {
				sum := int(in[j+k]) + int(a[k%u]) + carry
				in[j+k] = byte(sum)
				carry = sum >> 8
			}
		}
	}
	return out[:n]
}
