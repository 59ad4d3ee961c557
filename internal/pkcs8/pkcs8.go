// Package pkcs8 decrypts encrypted PKCS#8 private keys (RFC 5958
// EncryptedPrivateKeyInfo, PEM "ENCRYPTED PRIVATE KEY"), which Go's
// standard library does not: Lambda's Kafka client certificates may hold
// one, with its password beside it.
//
// It reads PBES2 (RFC 8018), what OpenSSL writes by default (`openssl
// pkcs8 -topk8 -v2 …`, `openssl genpkey … -aes256`): key derivation by
// PBKDF2 with HMAC-SHA1, -SHA224, -SHA256, -SHA384 or -SHA512, or by
// scrypt (RFC 7914, `-scrypt`), and encryption by AES-128, -192 or -256
// or DES-EDE3 in CBC mode. It also reads the legacy schemes Lambda's
// documentation names (PBES1: PBKDF1 with MD5 or SHA-1 and DES-CBC) and
// PKCS#12's SHA-1 with two- or three-key DES-EDE3 (`openssl pkcs8 -topk8
// -v1 …`); those with MD2, RC2 or RC4 are refused by name. The work
// factors are capped, so that a crafted key cannot hang or exhaust the
// process.
package pkcs8

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"hash"

	"golang.org/x/crypto/scrypt"

	"github.com/verge-edge/verge/internal/errs"
)

// ErrPassword is the error of a key that the password does not decrypt:
// a wrong password, or ciphertext that was altered (CBC cannot tell them
// apart).
var ErrPassword = errors.New("wrong password or corrupted ciphertext")

// Work factor caps: far above what OpenSSL writes (PBKDF2 2048
// iterations; scrypt N=16384, r=8, p=1, 16 MiB), far below a hang.
const (
	maxIterations  = 1_000_000
	maxScryptBytes = 64 << 20 // 128·N·r·p
	maxScryptP     = 16
)

// Object identifiers of RFC 8018, RFC 7914, NIST and RSA.
var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
)

// A scheme is a PBES2 encryption scheme: a block cipher in CBC mode.
type scheme struct {
	oid     asn1.ObjectIdentifier
	name    string
	keySize int
	block   func([]byte) (cipher.Block, error)
}

// ciphers are the encryption schemes read.
var ciphers = []scheme{
	{oidAES128CBC, "AES-128-CBC", 16, aes.NewCipher},
	{oidAES192CBC, "AES-192-CBC", 24, aes.NewCipher},
	{oidAES256CBC, "AES-256-CBC", 32, aes.NewCipher},
	{oidDESEDE3CBC, "DES-EDE3-CBC", 24, des.NewTripleDESCipher},
}

// prfs are PBKDF2's pseudo-random functions by OID.
var prfs = []struct {
	oid asn1.ObjectIdentifier
	new func() hash.Hash
}{
	{oidHMACSHA1, sha1.New},
	{oidHMACSHA224, sha256.New224},
	{oidHMACSHA256, sha256.New},
	{oidHMACSHA384, sha512.New384},
	{oidHMACSHA512, sha512.New},
}

// The ASN.1 structures of RFC 5958, RFC 8018 and RFC 7914.
type (
	encryptedPrivateKeyInfo struct {
		Algorithm pkix.AlgorithmIdentifier
		Data      []byte
	}
	pbes2Params struct {
		KDF        pkix.AlgorithmIdentifier
		Encryption pkix.AlgorithmIdentifier
	}
	pbkdf2Params struct {
		Salt       []byte // the specified choice; otherSource is refused
		Iterations int
		KeyLength  int                      `asn1:"optional"`
		PRF        pkix.AlgorithmIdentifier `asn1:"optional"` // default HMAC-SHA1
	}
	privateKeyInfo struct { // RFC 5958 OneAsymmetricKey
		Version    int
		Algorithm  pkix.AlgorithmIdentifier
		PrivateKey []byte
		Attributes asn1.RawValue `asn1:"optional,tag:0"`
		PublicKey  asn1.RawValue `asn1:"optional,tag:1"`
	}
	scryptParams struct {
		Salt      []byte
		N         int
		R         int
		P         int
		KeyLength int `asn1:"optional"`
	}
)

// Decrypt returns the PKCS#8 PrivateKeyInfo (the DER of a PEM "PRIVATE
// KEY") that der, an EncryptedPrivateKeyInfo, holds, decrypted with
// password. A password that does not decrypt it gives ErrPassword; a
// structure that is not one, or an unsupported scheme, an Invalid error
// that says which.
func Decrypt(der []byte, password string) ([]byte, error) {
	const op errs.Op = "pkcs8.Decrypt"
	key, err := decrypt(der, password)
	if err != nil {
		return nil, errs.E(op, errs.Invalid, err)
	}
	return key, nil
}

func decrypt(der []byte, password string) ([]byte, error) {
	var info encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil || len(rest) != 0 {
		return nil, errs.Errorf("not an encrypted PKCS#8 key (EncryptedPrivateKeyInfo)")
	}
	var (
		block cipher.Block
		iv    []byte
		name  string
		err   error
	)
	alg := info.Algorithm.Algorithm
	switch {
	case alg.Equal(oidPBES2):
		block, iv, name, err = pbes2(info.Algorithm.Parameters.FullBytes, password)
	case isLegacy(alg):
		block, iv, name, err = legacy(alg, info.Algorithm.Parameters.FullBytes, password)
	default:
		return nil, errs.Errorf("the key's encryption scheme (OID %s) is not supported: use PBES2 (openssl pkcs8 -topk8 -v2 aes-256-cbc)", alg)
	}
	if err != nil {
		return nil, err
	}
	data := info.Data
	bs := block.BlockSize()
	if len(data) == 0 || len(data)%bs != 0 {
		return nil, errs.Errorf("the key's ciphertext is %d bytes, not whole %s blocks", len(data), name)
	}
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, data)
	plain, ok := unpad(plain, bs)
	if !ok {
		return nil, ErrPassword
	}
	// A wrong password passes the padding check about once in 256: the
	// key itself must parse too. One that is a PrivateKeyInfo but of a
	// kind Go does not use (another curve, Ed448) was decrypted.
	if _, err := x509.ParsePKCS8PrivateKey(plain); err != nil {
		var info privateKeyInfo
		if rest, err2 := asn1.Unmarshal(plain, &info); err2 == nil && len(rest) == 0 {
			return nil, errs.Errorf("the key decrypts, but is not one Go's TLS can use: %v", err)
		}
		return nil, ErrPassword
	}
	return plain, nil
}

// pbes2 is the block cipher keyed from password, the IV and the cipher's
// name of PBES2 parameters.
func pbes2(params []byte, password string) (cipher.Block, []byte, string, error) {
	var p pbes2Params
	if rest, err := asn1.Unmarshal(params, &p); err != nil || len(rest) != 0 {
		return nil, nil, "", errs.Errorf("the key's PBES2 parameters are malformed")
	}
	c, iv, err := encryption(p.Encryption)
	if err != nil {
		return nil, nil, "", err
	}
	k, err := deriveKey(p.KDF, password, c.keySize)
	if err != nil {
		return nil, nil, "", err
	}
	block, err := c.block(k)
	if err != nil {
		return nil, nil, "", errs.Errorf("the key's %s cipher: %v", c.name, err)
	}
	return block, iv, c.name, nil
}

// encryption is the cipher and IV of a PBES2 encryption scheme.
func encryption(ai pkix.AlgorithmIdentifier) (c scheme, iv []byte, err error) {
	for _, s := range ciphers {
		if !ai.Algorithm.Equal(s.oid) {
			continue
		}
		if rest, err := asn1.Unmarshal(ai.Parameters.FullBytes, &iv); err != nil || len(rest) != 0 {
			return c, nil, errs.Errorf("the key's %s IV is malformed", s.name)
		}
		if want := ivSize(s.oid); len(iv) != want {
			return c, nil, errs.Errorf("the key's %s IV is %d bytes, not %d", s.name, len(iv), want)
		}
		return s, iv, nil
	}
	return c, nil, errs.Errorf("the key's cipher (OID %s) is not supported: use AES-128/192/256-CBC or DES-EDE3-CBC", ai.Algorithm)
}

func ivSize(oid asn1.ObjectIdentifier) int {
	if oid.Equal(oidDESEDE3CBC) {
		return des.BlockSize
	}
	return aes.BlockSize
}

// deriveKey derives a size-byte key from password with a PBES2 key
// derivation function.
func deriveKey(ai pkix.AlgorithmIdentifier, password string, size int) ([]byte, error) {
	switch {
	case ai.Algorithm.Equal(oidPBKDF2):
		var p pbkdf2Params
		if rest, err := asn1.Unmarshal(ai.Parameters.FullBytes, &p); err != nil || len(rest) != 0 {
			return nil, errs.Errorf("the key's PBKDF2 parameters are malformed")
		}
		if p.Iterations < 1 || p.Iterations > maxIterations {
			return nil, errs.Errorf("the key's PBKDF2 iteration count %d is not between 1 and %d", p.Iterations, maxIterations)
		}
		if p.KeyLength != 0 && p.KeyLength != size {
			return nil, errs.Errorf("the key's PBKDF2 key length %d does not fit its cipher (%d)", p.KeyLength, size)
		}
		prf := sha1.New
		if len(p.PRF.Algorithm) != 0 {
			prf = nil
			for _, h := range prfs {
				if p.PRF.Algorithm.Equal(h.oid) {
					prf = h.new
				}
			}
			if prf == nil {
				return nil, errs.Errorf("the key's PBKDF2 function (OID %s) is not supported: use HMAC with SHA-1 or SHA-2", p.PRF.Algorithm)
			}
		}
		return pbkdf2.Key(prf, password, p.Salt, p.Iterations, size)
	case ai.Algorithm.Equal(oidScrypt):
		var p scryptParams
		if rest, err := asn1.Unmarshal(ai.Parameters.FullBytes, &p); err != nil || len(rest) != 0 {
			return nil, errs.Errorf("the key's scrypt parameters are malformed")
		}
		if p.N < 2 || p.N&(p.N-1) != 0 || p.R < 1 || p.P < 1 || p.P > maxScryptP || p.N > maxScryptBytes/128/p.R/p.P {
			return nil, errs.Errorf("the key's scrypt parameters (N=%d, r=%d, p=%d) are invalid or need more than %d MiB", p.N, p.R, p.P, maxScryptBytes>>20)
		}
		if p.KeyLength != 0 && p.KeyLength != size {
			return nil, errs.Errorf("the key's scrypt key length %d does not fit its cipher (%d)", p.KeyLength, size)
		}
		return scrypt.Key([]byte(password), p.Salt, p.N, p.R, p.P, size)
	}
	return nil, errs.Errorf("the key's key derivation function (OID %s) is not supported: use PBKDF2 or scrypt", ai.Algorithm)
}

// unpad removes PKCS#7 padding (RFC 8018 6.1.1 step 4).
func unpad(b []byte, bs int) ([]byte, bool) {
	n := int(b[len(b)-1])
	if n == 0 || n > bs || n > len(b) {
		return nil, false
	}
	if !bytes.Equal(b[len(b)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return nil, false
	}
	return b[:len(b)-n], true
}
