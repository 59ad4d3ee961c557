package pkcs8

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/errs"
)

// password is the fixtures' password (testdata/gen.sh).
const password = "correct-horse"

// block reads testdata file name's one PEM block.
func block(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := pem.Decode(b)
	if p == nil {
		t.Fatalf("%s holds no PEM block", name)
	}
	return p.Bytes
}

// TestDecrypt: each key OpenSSL encrypted decrypts to the plain key it
// was made from; the wrong password, or none, does not.
func TestDecrypt(t *testing.T) {
	for _, tc := range []struct{ file, plain string }{
		{"ec-sha256-aes256.pem", "ec.pem"},
		{"ec-sha1-aes128.pem", "ec.pem"},
		{"ec-sha512-aes192.pem", "ec.pem"},
		{"ec-sha256-des3.pem", "ec.pem"},
		{"ec-scrypt-aes256.pem", "ec.pem"},
		{"rsa-genpkey-aes256.pem", "rsa.pem"},
		{"ec-pbes1-md5-des.pem", "ec.pem"},
		{"ec-pbes1-sha1-des.pem", "ec.pem"},
		{"ec-pkcs12-3des.pem", "ec.pem"},
		{"ec-pkcs12-2des.pem", "ec.pem"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			der := block(t, tc.file)
			got, err := Decrypt(der, password)
			if err != nil {
				t.Fatal(err)
			}
			if want := block(t, tc.plain); !bytes.Equal(got, want) {
				t.Errorf("decrypted key differs from %s", tc.plain)
			}
			for _, pw := range []string{"wrong", "", password + " "} {
				if _, err := Decrypt(der, pw); !errors.Is(err, ErrPassword) || !errs.Is(errs.Invalid, err) {
					t.Errorf("password %q: %v, want ErrPassword", pw, err)
				}
			}
		})
	}
}

// TestDecryptRefuses: altered ciphertext is a password error; malformed
// structures and unsupported schemes say what they are.
func TestDecryptRefuses(t *testing.T) {
	der := block(t, "ec-sha256-aes256.pem")
	var info encryptedPrivateKeyInfo
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		t.Fatal(err)
	}
	var params pbes2Params
	if _, err := asn1.Unmarshal(info.Algorithm.Parameters.FullBytes, &params); err != nil {
		t.Fatal(err)
	}
	var kdf pbkdf2Params
	if _, err := asn1.Unmarshal(params.KDF.Parameters.FullBytes, &kdf); err != nil {
		t.Fatal(err)
	}
	// with rebuilds the key with its parts changed.
	with := func(change func(i *encryptedPrivateKeyInfo, p *pbes2Params, k *pbkdf2Params)) []byte {
		i, p, k := info, params, kdf
		i.Data = bytes.Clone(info.Data)
		change(&i, &p, &k)
		p.KDF.Parameters = raw(t, k)
		i.Algorithm.Parameters = raw(t, p)
		b, err := asn1.Marshal(i)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		der  []byte
		want string // ErrPassword's text, or a part of the message
	}{
		{"unchanged", with(func(*encryptedPrivateKeyInfo, *pbes2Params, *pbkdf2Params) {}), ""},
		{"first block flipped", with(func(i *encryptedPrivateKeyInfo, _ *pbes2Params, _ *pbkdf2Params) { i.Data[3] ^= 0x40 }), ErrPassword.Error()},
		{"last block flipped", with(func(i *encryptedPrivateKeyInfo, _ *pbes2Params, _ *pbkdf2Params) { i.Data[len(i.Data)-1] ^= 1 }), ErrPassword.Error()},
		{"last block cut", with(func(i *encryptedPrivateKeyInfo, _ *pbes2Params, _ *pbkdf2Params) { i.Data = i.Data[:len(i.Data)-16] }), ErrPassword.Error()},
		{"not whole blocks", with(func(i *encryptedPrivateKeyInfo, _ *pbes2Params, _ *pbkdf2Params) { i.Data = i.Data[:len(i.Data)-1] }), "not whole AES-256-CBC blocks"},
		{"no ciphertext", with(func(i *encryptedPrivateKeyInfo, _ *pbes2Params, _ *pbkdf2Params) { i.Data = nil }), "is 0 bytes"},
		{"other salt", with(func(_ *encryptedPrivateKeyInfo, _ *pbes2Params, k *pbkdf2Params) { k.Salt = []byte("12345678") }), ErrPassword.Error()},
		{"huge iteration count", with(func(_ *encryptedPrivateKeyInfo, _ *pbes2Params, k *pbkdf2Params) { k.Iterations = 1 << 30 }), "iteration count 1073741824"},
		{"zero iterations", with(func(_ *encryptedPrivateKeyInfo, _ *pbes2Params, k *pbkdf2Params) { k.Iterations = 0 }), "iteration count 0"},
		{"key length", with(func(_ *encryptedPrivateKeyInfo, _ *pbes2Params, k *pbkdf2Params) { k.KeyLength = 16 }), "key length 16"},
		{"MD5 PRF", with(func(_ *encryptedPrivateKeyInfo, _ *pbes2Params, k *pbkdf2Params) {
			k.PRF.Algorithm = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 5}
		}), "PBKDF2 function (OID 1.2.840.113549.2.5)"},
		{"short IV", with(func(_ *encryptedPrivateKeyInfo, p *pbes2Params, _ *pbkdf2Params) {
			p.Encryption.Parameters = raw(t, make([]byte, 8))
		}), "IV is 8 bytes, not 16"},
		{"AES-GCM", with(func(_ *encryptedPrivateKeyInfo, p *pbes2Params, _ *pbkdf2Params) {
			p.Encryption.Algorithm = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 46}
		}), "cipher (OID 2.16.840.1.101.3.4.1.46) is not supported"},
		{"other KDF", with(func(_ *encryptedPrivateKeyInfo, p *pbes2Params, _ *pbkdf2Params) { p.KDF.Algorithm = oidPBES2 }), "key derivation function (OID 1.2.840.113549.1.5.13)"},
		{"not PBES2", with(func(i *encryptedPrivateKeyInfo, _ *pbes2Params, _ *pbkdf2Params) {
			i.Algorithm.Algorithm = oidAES256CBC
		}), "scheme (OID 2.16.840.1.101.3.4.1.42) is not supported"},
		{"Ed448", block(t, "ed448-aes128.pem"), "the key decrypts, but is not one Go's TLS can use"},
		{"RC2", block(t, "ec-pkcs12-rc2.pem"), "legacy scheme Verge cannot read (OID 1.2.840.113549.1.12.1.6"},
		{"trailing bytes", append(bytes.Clone(der), 0), "not an encrypted PKCS#8 key"},
		{"plain key", block(t, "ec.pem"), "not an encrypted PKCS#8 key"},
		{"empty", nil, "not an encrypted PKCS#8 key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decrypt(tc.der, password)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("rebuilt key: %v", err)
			case tc.want == "":
			case err == nil:
				t.Fatalf("decrypted, want %q", tc.want)
			case !strings.Contains(err.Error(), tc.want) || !errs.Is(errs.Invalid, err):
				t.Errorf("error %q, want an Invalid error with %q", err, tc.want)
			case (tc.want == ErrPassword.Error()) != errors.Is(err, ErrPassword):
				t.Errorf("errors.Is(%v, ErrPassword) = %v", err, errors.Is(err, ErrPassword))
			}
		})
	}
}

// TestScryptCaps: scrypt parameters beyond the memory cap are refused
// before any work.
func TestScryptCaps(t *testing.T) {
	for _, p := range []scryptParams{
		{Salt: []byte("s"), N: 1 << 22, R: 8, P: 1},
		{Salt: []byte("s"), N: 1000, R: 8, P: 1},
		{Salt: []byte("s"), N: 16384, R: 8, P: 64},
		{Salt: []byte("s"), N: 16384, R: 0, P: 1},
	} {
		ai := pkix.AlgorithmIdentifier{Algorithm: oidScrypt, Parameters: raw(t, p)}
		if _, err := deriveKey(ai, password, 32); err == nil || !strings.Contains(err.Error(), "scrypt parameters") {
			t.Errorf("%+v: %v, want the scrypt parameters refused", p, err)
		}
	}
}

func raw(t testing.TB, v any) asn1.RawValue {
	t.Helper()
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return asn1.RawValue{FullBytes: b}
}

// FuzzDecrypt: any bytes and password give a PKCS#8 key or an Invalid
// error, never a panic.
func FuzzDecrypt(f *testing.F) {
	for _, name := range []string{"ec-sha256-aes256.pem", "ec-sha256-des3.pem", "ec-sha1-aes128.pem", "ec-pbes1-md5-des.pem", "ec-pkcs12-3des.pem"} {
		f.Add(block(f, name), password)
	}
	f.Fuzz(func(t *testing.T, der []byte, pw string) {
		key, err := Decrypt(der, pw)
		if err != nil {
			if !errs.Is(errs.Invalid, err) {
				t.Errorf("error not Invalid: %v", err)
			}
			return
		}
		if _, err := x509.ParsePKCS8PrivateKey(key); err != nil {
			t.Errorf("decrypted a key that is not PKCS#8: %v", err)
		}
	})
}

// TestLegacyRefuses: malformed PBES1 and PKCS#12 parameters say what
// is wrong before any work.
func TestLegacyRefuses(t *testing.T) {
	der := block(t, "ec-pbes1-md5-des.pem")
	var info encryptedPrivateKeyInfo
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		oid  asn1.ObjectIdentifier
		p    any
		want string
	}{
		{"short salt", info.Algorithm.Algorithm, pbeParams{Salt: []byte("1234"), Iterations: 2048}, "salt is 4 bytes, not 8"},
		{"huge iteration count", info.Algorithm.Algorithm, pbeParams{Salt: []byte("12345678"), Iterations: 1 << 30}, "iteration count 1073741824"},
		{"PKCS#12 no iterations", legacySchemes[2].oid, pbeParams{Salt: []byte("12345678")}, "pbeWithSHAAnd3-KeyTripleDES-CBC iteration count 0"},
		{"malformed", info.Algorithm.Algorithm, []byte("x"), "pbeWithMD5AndDES-CBC parameters are malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := info
			i.Algorithm = pkix.AlgorithmIdentifier{Algorithm: tc.oid, Parameters: raw(t, tc.p)}
			b, err := asn1.Marshal(i)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Decrypt(b, password); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
