package kafka

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

const secret = "s3cr3t-Pa55word"

// TestSASL: a mapping authenticates with each SASL mechanism and gets its
// records; with a wrong password its state says SASL failed, and the
// password appears in no log line.
func TestSASL(t *testing.T) {
	for _, tc := range []struct {
		mech, kfake string
		opt         kgo.Opt
	}{
		{AuthPlain, "PLAIN", kgo.SASL(plain.Auth{User: "alice", Pass: secret}.AsMechanism())},
		{AuthScram256, "SCRAM-SHA-256", kgo.SASL(scram.Auth{User: "alice", Pass: secret}.AsSha256Mechanism())},
		{AuthScram512, "SCRAM-SHA-512", kgo.SASL(scram.Auth{User: "alice", Pass: secret}.AsSha512Mechanism())},
	} {
		t.Run(tc.mech, func(t *testing.T) {
			c := cluster(t, 2, kfake.EnableSASL(), kfake.Superuser(tc.kfake, "alice", secret))
			produce(t, c.ListenAddrs(), 2, 0, 20, tc.opt)
			var log bytes.Buffer
			s := newSink(t)
			m := manager(t, s, &log)
			defer closeManager(t, m)
			mp := mapping(c)
			mp.Auth = Auth{Mechanism: tc.mech, Username: "alice", Password: secret}
			bad := mp
			bad.UUID = "8f1c7c49-0000-4000-8000-0000000000bb"
			bad.Function = "other"
			bad.Auth.Password = "wrong-" + secret
			if err := m.Apply([]Mapping{mp, bad}); err != nil {
				t.Fatal(err)
			}
			eventually(t, "20 records", func() bool { return s.count() >= 20 })
			eventually(t, "the SASL problem", func() bool {
				return m.States()[bad.UUID].LastProcessingResult == ProblemSASL
			})
			st := m.States()[bad.UUID]
			if st.State != StateCreating || st.StateTransitionReason != ProblemSASL {
				t.Errorf("state %+v", st)
			}
			closeManager(t, m)
			if strings.Contains(log.String(), secret) {
				t.Errorf("the password is in the log:\n%s", log.String())
			}
			if !strings.Contains(log.String(), "SASL authentication failed") {
				t.Errorf("the log does not say SASL failed:\n%s", log.String())
			}
		})
	}
}

// TestUnreachable: brokers that do not answer give the connection
// problem, retried.
func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := newSink(t)
	m := manager(t, s, nil)
	defer closeManager(t, m)
	mp := Mapping{UUID: "u", Function: "fn", Bootstrap: []string{addr}, Topic: topic, Enabled: true, MaximumRetryAttempts: -1}
	if err := m.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the connection problem", func() bool {
		return m.States()["u"].LastProcessingResult == ProblemConnection
	})
	if st := m.States()["u"]; st.StateTransitionReason != ProblemConnection || st.State != StateCreating {
		t.Errorf("state %+v", st)
	}
}

// TestMTLS: a mapping with a client certificate reads from brokers that
// require one; one without a certificate is refused and says so, and a
// mapping without the root CA cannot verify the brokers.
func TestMTLS(t *testing.T) {
	pki := newPKI(t)
	server := &tls.Config{Certificates: []tls.Certificate{pki.server}, ClientCAs: pki.pool,
		ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}
	c := cluster(t, 2, kfake.TLS(server))
	produce(t, c.ListenAddrs(), 2, 0, 20, kgo.DialTLSConfig(&tls.Config{RootCAs: pki.pool,
		Certificates: []tls.Certificate{pki.clientPair}}))
	s := newSink(t)
	m := manager(t, s, nil)
	defer closeManager(t, m)
	good := mapping(c)
	good.Auth = Auth{Mechanism: AuthMTLS, Certificate: pki.clientCert, PrivateKey: pki.clientKey, RootCA: pki.caPEM}
	nocert := mapping(c)
	nocert.UUID, nocert.Auth = "nocert", Auth{RootCA: pki.caPEM}
	noca := mapping(c)
	noca.UUID, noca.Auth = "noca", Auth{Mechanism: AuthMTLS, Certificate: pki.clientCert, PrivateKey: pki.clientKey}
	badkey := mapping(c)
	badkey.UUID, badkey.Auth = "badkey", Auth{Mechanism: AuthMTLS, Certificate: pki.clientCert, PrivateKey: []byte("nope")}
	enckey := mapping(c)
	enckey.UUID, enckey.Auth = "enckey", Auth{Mechanism: AuthMTLS, Certificate: pki.clientCert, KeyPassword: "pw",
		PrivateKey: pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{0x30, 0}})}
	if err := m.Apply([]Mapping{good, nocert, noca, badkey, enckey}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "20 records", func() bool { return s.count() >= 20 })
	for id, want := range map[string]string{"nocert": ProblemServerAuth, "noca": ProblemLambdaAuth,
		"badkey": ProblemCertificate, "enckey": ProblemCertificate} {
		eventually(t, id+"'s problem", func() bool { return m.States()[id].LastProcessingResult == want })
	}
	if n := s.count(); n != 20 {
		t.Errorf("%d records delivered, want 20 (only the good mapping's)", n)
	}
}

type pki struct {
	pool                         *x509.CertPool
	caPEM, clientCert, clientKey []byte
	server, clientPair           tls.Certificate
	ca                           *x509.Certificate
	caKey                        *ecdsa.PrivateKey
}

// newPKI makes a CA, a server certificate for 127.0.0.1 and a client
// certificate with a PKCS#8 key.
func newPKI(t *testing.T) *pki {
	t.Helper()
	caKey := newKey(t)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	p := &pki{pool: x509.NewCertPool(), caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		ca: ca, caKey: caKey}
	p.pool.AddCert(ca)
	keyPEM := func(k *ecdsa.PrivateKey) []byte {
		p8, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})
	}
	sk, ck := newKey(t), newKey(t)
	sc := p.issue(t, 2, x509.ExtKeyUsageServerAuth, &sk.PublicKey)
	p.clientCert, p.clientKey = p.issue(t, 3, x509.ExtKeyUsageClientAuth, &ck.PublicKey), keyPEM(ck)
	if p.server, err = tls.X509KeyPair(sc, keyPEM(sk)); err != nil {
		t.Fatal(err)
	}
	if p.clientPair, err = tls.X509KeyPair(p.clientCert, p.clientKey); err != nil {
		t.Fatal(err)
	}
	return p
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// issue returns the PEM of a certificate of the CA for 127.0.0.1 and
// localhost, with serial number n, for public key pub.
func (p *pki) issue(t *testing.T, n int64, usage x509.ExtKeyUsage, pub any) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(n), Subject: pkix.Name{CommonName: "leaf"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, pub, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// FuzzTLSConfig: any certificate, key and root CA give a TLS config or
// an error that the state shows as an invalid certificate, never a panic.
func FuzzTLSConfig(f *testing.F) {
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"), []byte("-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n"), []byte(nil))
	f.Fuzz(func(t *testing.T, cert, key, ca []byte) {
		cfg, err := tlsConfig(&Auth{Mechanism: AuthMTLS, Certificate: cert, PrivateKey: key, RootCA: ca})
		switch {
		case err != nil && problem(err, AuthMTLS) != ProblemCertificate:
			t.Errorf("%v shows as %q", err, problem(err, AuthMTLS))
		case err == nil && len(cfg.Certificates) != 1:
			t.Errorf("no client certificate in %+v", cfg)
		}
	})
}
