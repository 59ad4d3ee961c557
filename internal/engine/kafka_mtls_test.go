package engine

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// A testCA issues the certificates of an mTLS test: the broker's for
// 127.0.0.1 and the clients'.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "verge test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(t, err)
	cert, err := x509.ParseCertificate(der)
	must(t, err)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a certificate for cn (a server's for 127.0.0.1 when
// server is set) and its key, as PEM, the key PKCS#8.
func (ca *testCA) issue(t *testing.T, cn string, serial int64, server bool) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if server {
		tmpl.ExtKeyUsage, tmpl.IPAddresses = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	must(t, err)
	p8, err := x509.MarshalPKCS8PrivateKey(key)
	must(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})
}

// TestKafkaTriggerMTLS runs a kafka-topic trigger on a kfake cluster that
// requires client certificates: the client certificate comes from a
// $Secret, the root CA from a secret named by its Secrets Manager ARN,
// and ListEventSourceMappings names both as Lambda does.
func TestKafkaTriggerMTLS(t *testing.T) {
	ca := newTestCA(t)
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	serverCert, serverKey := ca.issue(t, "broker", 2, true)
	server, err := tls.X509KeyPair(serverCert, serverKey)
	must(t, err)
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "payments"),
		kfake.TLS(&tls.Config{Certificates: []tls.Certificate{server}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}))
	must(t, err)
	t.Cleanup(cluster.Close)

	clientCert, clientKey := ca.issue(t, "verge", 3, false)
	client, _ := json.Marshal(map[string]string{"certificate": string(clientCert), "privateKey": string(clientKey)})
	root, _ := json.Marshal(map[string]string{"certificate": string(ca.pem)})
	quotedClient, _ := json.Marshal(string(client))
	quotedRoot, _ := json.Marshal(string(root))
	lam := kafkaStack(t, cluster.ListenAddrs(), mtlsAuth, "client: "+string(quotedClient)+"\nca: "+string(quotedRoot)+"\n", Options{})

	producerCert, producerKey := ca.issue(t, "producer", 4, false)
	producer, err := tls.X509KeyPair(producerCert, producerKey)
	must(t, err)
	cl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.DialTLSConfig(&tls.Config{Certificates: []tls.Certificate{producer}, RootCAs: pool, MinVersion: tls.VersionTLS12}))
	must(t, err)
	t.Cleanup(cl.Close)

	m := deliver(t, lam, cl, cluster.ListenAddrs())
	checkAccess(t, m.SourceAccessConfigurations, []lambdatypes.SourceAccessConfiguration{
		{Type: lambdatypes.SourceAccessTypeClientCertificateTlsAuth, URI: aws.String("arn:aws:secretsmanager:us-east-1:000000000000:secret:client")},
		{Type: lambdatypes.SourceAccessTypeServerRootCaCertificate, URI: aws.String("arn:aws:secretsmanager:us-east-1:000000000000:secret:ca")},
	})
}
