package kafka

import (
	"bytes"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The encrypted key fixtures are internal/pkcs8's, made by the OpenSSL
// CLI (../../pkcs8/testdata/gen.sh); keyPassword is their password.
const keyPassword = "correct-horse"

func keyFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "pkcs8", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// reencode returns the PEM of pemKey's block with its DER changed.
func reencode(t testing.TB, pemKey []byte, change func([]byte)) []byte {
	t.Helper()
	b, _ := pem.Decode(pemKey)
	der := bytes.Clone(b.Bytes)
	change(der)
	return pem.EncodeToMemory(&pem.Block{Type: b.Type, Bytes: der})
}

// TestPrivateKey: keys OpenSSL encrypted are decrypted with their
// password to the PKCS#8 key they were made from, which makes a key pair
// with the certificate; a wrong or missing password, altered ciphertext
// and other blocks are certificate errors that say why.
//
// Altered ciphertext is caught when it garbles the padding or the key's
// structure (here the first and the last block; the EC key's 144 bytes
// of ciphertext end its DER); a change that leaves both parsing is
// caught later, if the key no longer pairs with the certificate.
func TestPrivateKey(t *testing.T) {
	ecPlain, ecCert := keyFile(t, "ec.pem"), keyFile(t, "ec.crt")
	aes := keyFile(t, "ec-sha256-aes256.pem")
	for _, tc := range []struct {
		name     string
		key      []byte
		password string
		plain    []byte // the key privateKey gives
		want     string // or a part of its error
	}{
		{"aes-256-cbc, pbkdf2 sha256", aes, keyPassword, ecPlain, ""},
		{"des3", keyFile(t, "ec-sha256-des3.pem"), keyPassword, ecPlain, ""},
		{"aes-128-cbc, pbkdf2 sha1", keyFile(t, "ec-sha1-aes128.pem"), keyPassword, ecPlain, ""},
		{"scrypt", keyFile(t, "ec-scrypt-aes256.pem"), keyPassword, ecPlain, ""},
		{"genpkey -aes256 RSA", keyFile(t, "rsa-genpkey-aes256.pem"), keyPassword, keyFile(t, "rsa.pem"), ""},
		{"plain", ecPlain, "", ecPlain, ""},
		{"plain with a password", ecPlain, "unused", ecPlain, ""},
		{"wrong password", aes, "Correct-horse", nil, "could not be decrypted with privateKeyPassword"},
		{"no password", aes, "", nil, "encrypted but the secret has no privateKeyPassword"},
		{"last byte altered", reencode(t, aes, func(d []byte) { d[len(d)-1] ^= 1 }), keyPassword, nil, "could not be decrypted with privateKeyPassword"},
		{"first block altered", reencode(t, aes, func(d []byte) { d[len(d)-140] ^= 0x80 }), keyPassword, nil, "could not be decrypted with privateKeyPassword"},
		{"PBES1 md5 des", keyFile(t, "ec-pbes1-md5-des.pem"), keyPassword, ecPlain, ""},
		{"PKCS#12 3des", keyFile(t, "ec-pkcs12-3des.pem"), keyPassword, ecPlain, ""},
		{"PBES1 wrong password", keyFile(t, "ec-pbes1-sha1-des.pem"), "wrong", nil, "could not be decrypted with privateKeyPassword"},
		{"RC2", keyFile(t, "ec-pkcs12-rc2.pem"), keyPassword, nil, "legacy scheme Verge cannot read"},
		{"garbage encrypted", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{0x30, 0}}), keyPassword, nil, "not an encrypted PKCS#8 key"},
		{"PKCS#1", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte{0x30, 0}}), "", nil, `"RSA PRIVATE KEY" block`},
		{"no PEM", []byte("nope"), keyPassword, nil, "no PEM block"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := privateKey(tc.key, tc.password)
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v, want %q", err, tc.want)
				}
				if strings.Contains(err.Error(), keyPassword) {
					t.Errorf("the error shows the password: %v", err)
				}
				_, err := tlsConfig(&Auth{Mechanism: AuthMTLS, Certificate: ecCert, PrivateKey: tc.key, KeyPassword: tc.password})
				if p := problem(err, AuthMTLS); p != ProblemCertificate {
					t.Errorf("tlsConfig: %v shows as %q, want the certificate problem", err, p)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := pem.Decode(got)
			if want, _ := pem.Decode(tc.plain); b == nil || b.Type != "PRIVATE KEY" || !bytes.Equal(b.Bytes, want.Bytes) {
				t.Errorf("privateKey gave %q, want the plain PKCS#8 key", got)
			}
			if bytes.Equal(tc.plain, ecPlain) {
				if _, err := tls.X509KeyPair(ecCert, got); err != nil {
					t.Errorf("the key does not pair with its certificate: %v", err)
				}
			}
		})
	}
}

// TestMTLSEncryptedKey: a mapping whose client key is encrypted (by
// OpenSSL, PBES2 with AES-256-CBC) reads from brokers that require a
// client certificate, with the key's password; with a wrong password its
// state says the certificate is the problem, and the password is in no
// log line.
func TestMTLSEncryptedKey(t *testing.T) {
	pki := newPKI(t)
	b, _ := pem.Decode(keyFile(t, "ec.pem"))
	plain, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	cert := pki.issue(t, 4, x509.ExtKeyUsageClientAuth, plain.(crypto.Signer).Public())
	server := &tls.Config{Certificates: []tls.Certificate{pki.server}, ClientCAs: pki.pool,
		ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}
	c := cluster(t, 2, kfake.TLS(server))
	produce(t, c.ListenAddrs(), 2, 0, 20, kgo.DialTLSConfig(&tls.Config{RootCAs: pki.pool,
		Certificates: []tls.Certificate{pki.clientPair}}))
	var log bytes.Buffer
	s := newSink(t)
	m := manager(t, s, &log)
	defer closeManager(t, m)
	enc := keyFile(t, "ec-sha256-aes256.pem")
	good := mapping(c)
	good.Auth = Auth{Mechanism: AuthMTLS, Certificate: cert, PrivateKey: enc, KeyPassword: keyPassword, RootCA: pki.caPEM}
	wrong := mapping(c)
	wrong.UUID, wrong.Function = "wrongpw", "other"
	wrong.Auth = good.Auth
	wrong.Auth.KeyPassword = "wrong-" + keyPassword
	if err := m.Apply([]Mapping{good, wrong}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "20 records", func() bool { return s.count() >= 20 })
	eventually(t, "the certificate problem", func() bool {
		return m.States()["wrongpw"].LastProcessingResult == ProblemCertificate
	})
	if st := m.States()["wrongpw"]; st.State != StateCreating || st.StateTransitionReason != ProblemCertificate {
		t.Errorf("state %+v", st)
	}
	closeManager(t, m)
	if n := s.count(); n != 20 {
		t.Errorf("%d records delivered, want 20", n)
	}
	if strings.Contains(log.String(), keyPassword) {
		t.Errorf("the password is in the log:\n%s", log.String())
	}
}

// FuzzPrivateKey: any key and password give a PKCS#8 PEM key or an
// error, never a panic.
func FuzzPrivateKey(f *testing.F) {
	f.Add(keyFile(f, "ec-sha256-aes256.pem"), keyPassword)
	f.Add(keyFile(f, "ec-sha256-des3.pem"), "wrong")
	f.Add(keyFile(f, "ec.pem"), "")
	f.Fuzz(func(t *testing.T, key []byte, password string) {
		got, err := privateKey(key, password)
		if err != nil {
			return
		}
		b, _ := pem.Decode(got)
		if b == nil || b.Type != "PRIVATE KEY" {
			t.Fatalf("privateKey gave %q", got)
		}
		if _, err := x509.ParsePKCS8PrivateKey(b.Bytes); err != nil {
			t.Errorf("privateKey gave a key that is not PKCS#8: %v", err)
		}
	})
}
