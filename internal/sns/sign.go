package sns

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/verge-edge/verge/internal/errs"
)

// A Signer signs messages as SNS does: RSA over a canonical string, with
// SHA1 (SignatureVersion 1) or SHA256 (2); its certificate is what a
// receiver fetches from SigningCertURL.
type Signer struct {
	key     *rsa.PrivateKey
	certPEM []byte
}

// NewSigner makes a 2048-bit RSA key and a self-signed certificate valid
// for ten years.
func NewSigner() (*Signer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "sns.verge.local", Organization: []string{"Verge"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return &Signer{key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

// ParseSigner reads a signer from PEM: the private key (PKCS #8 or
// PKCS #1) and the certificate, in any order.
func ParseSigner(data []byte) (*Signer, error) {
	s := &Signer{}
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		switch b.Type {
		case "CERTIFICATE":
			s.certPEM = pem.EncodeToMemory(b)
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, err
			}
			rk, ok := k.(*rsa.PrivateKey)
			if !ok {
				return nil, errors.New("the signing key is not an RSA key")
			}
			s.key = rk
		case "RSA PRIVATE KEY":
			k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
			if err != nil {
				return nil, err
			}
			s.key = k
		}
	}
	if s.key == nil || s.certPEM == nil {
		return nil, errors.New("the signer needs an RSA private key and a certificate")
	}
	if s.key.N.BitLen() < 2048 {
		return nil, errors.New("the signing key must have at least 2048 bits")
	}
	return s, nil
}

// PEM is the signer as ParseSigner reads it.
func (s *Signer) PEM() []byte {
	der, _ := x509.MarshalPKCS8PrivateKey(s.key)
	return append(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), s.certPEM...)
}

// CertPEM is the certificate, PEM-encoded.
func (s *Signer) CertPEM() []byte { return s.certPEM }

// Sign signs a message's canonical string: version "2" is SHA256withRSA,
// anything else SHA1withRSA (SNS's default, version 1). The result is
// base64, as the Signature field carries it.
func (s *Signer) Sign(version string, m *Message) (string, error) {
	canon := []byte(Canonical(m))
	var sig []byte
	var err error
	if version == "2" {
		h := sha256.Sum256(canon)
		sig, err = rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, h[:])
	} else {
		h := sha1.Sum(canon)
		sig, err = rsa.SignPKCS1v15(nil, s.key, crypto.SHA1, h[:])
	}
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// Canonical is the string SNS signs: "Name\nvalue\n" for each field in
// its order. A notification has Message, MessageId, Subject (when there
// is one), Timestamp, TopicArn and Type; a subscription or unsubscribe
// confirmation Message, MessageId, SubscribeURL, Timestamp, Token,
// TopicArn and Type.
func Canonical(m *Message) string {
	var b strings.Builder
	add := func(k, v string) {
		b.WriteString(k)
		b.WriteByte('\n')
		b.WriteString(v)
		b.WriteByte('\n')
	}
	add("Message", m.Message)
	add("MessageId", m.MessageID)
	if m.Type == TypeNotification {
		if m.Subject != "" {
			add("Subject", m.Subject)
		}
	} else {
		add("SubscribeURL", m.SubscribeURL)
	}
	add("Timestamp", m.Timestamp)
	if m.Type != TypeNotification {
		add("Token", m.Token)
	}
	add("TopicArn", m.TopicArn)
	add("Type", m.Type)
	return b.String()
}

// loadSigner reads the signer kept in kv, or makes one and keeps it; of
// two nodes racing, the second reads the first's.
func loadSigner(ctx context.Context, kv jetstream.KeyValue) (*Signer, error) {
	const op errs.Op = "sns.loadSigner"
	for range 3 {
		e, err := kv.Get(ctx, keySigner)
		if err == nil {
			s, err := ParseSigner(e.Value())
			if err != nil {
				return nil, errs.E(op, errs.Internal, err)
			}
			return s, nil
		}
		if !errors.Is(err, jetstream.ErrKeyNotFound) {
			return nil, errs.E(op, errs.Unavailable, err)
		}
		s, err := NewSigner()
		if err != nil {
			return nil, errs.E(op, errs.Internal, err)
		}
		if _, err := kv.Create(ctx, keySigner, s.PEM()); err == nil {
			return s, nil
		} else if !errors.Is(err, jetstream.ErrKeyExists) {
			return nil, errs.E(op, errs.Unavailable, err)
		}
	}
	return nil, errs.E(op, errs.Internal, errs.Errorf("the signer could not be read or stored"))
}

// certHandler serves the signing certificate.
type certHandler struct{ pem []byte }

func (h certHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-x509-ca-cert")
	w.Write(h.pem)
}
