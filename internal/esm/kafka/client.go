package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/esm"
	"github.com/verge-edge/verge/internal/pkcs8"
)

// A certError is a client certificate, key or root CA that cannot be
// used, so that the mapping's state says so.
type certError struct{ err error }

func (e *certError) Error() string { return e.err.Error() }
func (e *certError) Unwrap() error { return e.err }

// connectOpts are the client options that reach and authenticate to a
// mapping's brokers.
func connectOpts(a *Auth, bootstrap []string) ([]kgo.Opt, error) {
	opts := []kgo.Opt{kgo.SeedBrokers(bootstrap...)}
	switch a.Mechanism {
	case AuthNone, AuthMTLS:
	case AuthPlain:
		opts = append(opts, kgo.SASL(plain.Auth{User: a.Username, Pass: a.Password}.AsMechanism()))
	case AuthScram256:
		opts = append(opts, kgo.SASL(scram.Auth{User: a.Username, Pass: a.Password}.AsSha256Mechanism()))
	case AuthScram512:
		opts = append(opts, kgo.SASL(scram.Auth{User: a.Username, Pass: a.Password}.AsSha512Mechanism()))
	default:
		return nil, errs.E(errs.Op("kafka.connectOpts"), errs.Invalid, errs.Errorf("unknown authentication %q", a.Mechanism))
	}
	if a.RootCA == nil && a.Mechanism != AuthMTLS {
		return opts, nil
	}
	cfg, err := tlsConfig(a)
	if err != nil {
		return nil, err
	}
	return append(opts, kgo.DialTLSConfig(cfg)), nil
}

// tlsConfig is the TLS of a mapping: its root CA (the system's when
// none) and, with MTLS, its client certificate.
func tlsConfig(a *Auth) (*tls.Config, error) {
	const op errs.Op = "kafka.tlsConfig"
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if a.RootCA != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(a.RootCA) {
			return nil, &certError{errs.E(op, errs.Invalid, errs.Errorf("the server root CA certificate holds no PEM certificate"))}
		}
		cfg.RootCAs = pool
	}
	if a.Mechanism != AuthMTLS {
		return cfg, nil
	}
	key, err := privateKey(a.PrivateKey, a.KeyPassword)
	if err != nil {
		return nil, &certError{errs.E(op, errs.Invalid, err)}
	}
	cert, err := tls.X509KeyPair(a.Certificate, key)
	if err != nil {
		return nil, &certError{errs.E(op, errs.Invalid, err)}
	}
	cfg.Certificates = []tls.Certificate{cert}
	return cfg, nil
}

// privateKey returns the PEM of a PKCS#8 key for tls.X509KeyPair: the key
// itself, or an encrypted one ("ENCRYPTED PRIVATE KEY", Lambda's
// privateKeyPassword) decrypted with password.
func privateKey(pemKey []byte, password string) ([]byte, error) {
	block, _ := pem.Decode(pemKey)
	switch {
	case block == nil:
		return nil, errs.Errorf("the private key holds no PEM block")
	case block.Type == "ENCRYPTED PRIVATE KEY":
		return decryptKey(block.Bytes, password)
	case block.Type != "PRIVATE KEY":
		return nil, errs.Errorf("the private key is a %q block, not PKCS#8's PRIVATE KEY", block.Type)
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		return nil, errs.Errorf("the private key is not PKCS#8: %v", err)
	}
	return pemKey, nil
}

// decryptKey decrypts an encrypted PKCS#8 key's DER with password,
// giving the plain key's PEM.
func decryptKey(der []byte, password string) ([]byte, error) {
	if password == "" {
		return nil, errs.Errorf("the private key is encrypted but the secret has no privateKeyPassword")
	}
	key, err := pkcs8.Decrypt(der, password)
	switch {
	case errors.Is(err, pkcs8.ErrPassword):
		return nil, errs.Errorf("the private key could not be decrypted with privateKeyPassword (%v)", pkcs8.ErrPassword)
	case err != nil:
		return nil, errs.Errorf("the encrypted private key cannot be used: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), nil
}

// problem is the LastProcessingResult of an error reaching, or reading
// from, the brokers, for a mapping authenticating with mechanism. A
// broker that closes the connection of a SASL client (EOF) refused its
// credentials: brokers close the connection after a failed
// authentication, some (SaslHandshake v0, kfake) without an error code.
func problem(err error, mechanism string) string {
	sasl := mechanism == AuthPlain || mechanism == AuthScram256 || mechanism == AuthScram512
	if sasl && errors.Is(err, io.EOF) {
		return ProblemSASL
	}
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var verify *tls.CertificateVerificationError
	var alert tls.AlertError
	var cert *certError
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.As(err, &cert):
		return ProblemCertificate
	case errors.Is(err, kerr.SaslAuthenticationFailed), errors.Is(err, kerr.UnsupportedSaslMechanism),
		errors.Is(err, kerr.IllegalSaslState):
		return ProblemSASL
	case errors.As(err, &verify), errors.As(err, &unknownAuthority), errors.As(err, &hostname):
		return ProblemLambdaAuth
	case errors.As(err, &alert), strings.Contains(errText(err), "tls: certificate required"),
		strings.Contains(errText(err), "tls: bad certificate"):
		return ProblemServerAuth
	case errors.Is(err, kerr.TopicAuthorizationFailed), errors.Is(err, kerr.GroupAuthorizationFailed),
		errors.Is(err, kerr.ClusterAuthorizationFailed):
		return ProblemAuthorize
	case errors.Is(err, kerr.UnknownTopicOrPartition):
		return ProblemTopic
	case errors.As(err, &netErr), errors.As(err, &opErr), errors.Is(err, context.DeadlineExceeded):
		return ProblemConnection
	}
	return ProblemConnection
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// clientOpts are every option of a mapping's consumer.
func (r *runner) clientOpts() ([]kgo.Opt, error) {
	cfg := &r.cfg
	opts, err := connectOpts(&cfg.Auth, cfg.Bootstrap)
	if err != nil {
		return nil, err
	}
	start := kgo.NewOffset().AtStart()
	if cfg.StartingPosition == esm.Latest {
		start = kgo.NewOffset().AtEnd()
	}
	return append(opts,
		kgo.ConsumerGroup(cfg.UUID),
		kgo.ConsumeTopics(cfg.Topic),
		kgo.ConsumeResetOffset(start),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		kgo.FetchMaxWait(pollWait),
		kgo.SessionTimeout(sessionTimeout),
		kgo.OnPartitionsAssigned(r.assigned),
		kgo.OnPartitionsRevoked(r.revoked),
		kgo.OnPartitionsLost(r.revoked),
		kgo.RetryBackoffFn(backoff),
	), nil
}

// backoff paces the client's own retries as the mapping's problems are.
func backoff(tries int) time.Duration {
	d := problemFirst
	for i := 1; i < tries && d < problemMax; i++ {
		d *= 2
	}
	return min(d, problemMax)
}
