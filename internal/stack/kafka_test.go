package stack

import (
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/verge-edge/verge/internal/golden"
)

// secretText are pieces of the kafka goldens' secret values: none may
// reach an error message or the plan's JSON.
var secretText = regexp.MustCompile(`s3cr3t|plain-pass|alice|bob|hunter2|-----|MII`)

// loadGolden loads the stack of golden file name with its files, as
// TestGolden does, returning the plan or the error.
func loadGolden(t *testing.T, name string) (*Plan, error) {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("testdata", "plan", name))
	if err != nil {
		t.Fatal(err)
	}
	stackFile, _, _ := golden.Split(a)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(stackFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := golden.WriteFiles(dir, a); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	return Load(".")
}

func TestKafkaSecretsNeverShown(t *testing.T) {
	t.Run("plan", func(t *testing.T) {
		plan, err := loadGolden(t, "kafka_topic.txtar")
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(plan)
		if err != nil {
			t.Fatal(err)
		}
		if m := secretText.Find(b); m != nil {
			t.Errorf("the plan's JSON holds secret text %q", m)
		}
	})
	t.Run("errors", func(t *testing.T) {
		_, err := loadGolden(t, "err_kafka_topic.txtar")
		if err == nil {
			t.Fatal("err_kafka_topic loaded without errors")
		}
		if m := secretText.FindString(err.Error()); m != "" {
			t.Errorf("the errors hold secret text %q:\n%v", m, err)
		}
	})
}

func TestKafkaAuthRead(t *testing.T) {
	plan, err := loadGolden(t, "kafka_topic.txtar")
	if err != nil {
		t.Fatal(err)
	}
	byTopic := map[string]KafkaTrigger{}
	for _, k := range plan.KafkaTriggers {
		byTopic[k.Function+"/"+k.Topic] = k
	}
	scram := byTopic["worker/payments"].Auth
	if scram == nil || scram.Mechanism != KafkaAuthScram512 || scram.Username != "alice" || scram.Password != "s3cr3t-scram" {
		t.Errorf("SCRAM auth = %+v; want SASL_SCRAM_512_AUTH alice from $Secret('kafka')", scram)
	}
	plain := byTopic["worker/orders.v1"].Auth
	if plain == nil || plain.Mechanism != KafkaAuthBasic || plain.Username != "bob" || plain.Password != "plain-pass" {
		t.Errorf("BASIC_AUTH auth = %+v; want bob from the ARN's secret kafkaPlain", plain)
	}
	mtls := byTopic["worker/audit_log"].Auth
	if mtls == nil || mtls.Mechanism != KafkaAuthMTLS || !strings.Contains(string(mtls.Certificate), "BEGIN CERTIFICATE") ||
		!strings.Contains(string(mtls.PrivateKey), "BEGIN PRIVATE KEY") || !strings.Contains(string(mtls.RootCA), "BEGIN CERTIFICATE") {
		t.Errorf("MTLS auth = %+v; want the client certificate, key and root CA", mtls)
	}
	if a := byTopic["other/payments"].Auth; a != nil {
		t.Errorf("unauthenticated trigger's auth = %+v; want nil", a)
	}
}

func TestSecretARNName(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"arn:aws:secretsmanager:us-east-1:000000000000:secret:kafka", "kafka", true},
		{"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/kafka-AbC123", "prod/kafka-AbC123", true},
		{"arn:aws:secretsmanager:us-east-1:000000000000:secret:a:b", "a:b", true},
		{"arn:aws:secretsmanager:us-east-1:000000000000:secret:", "", false},
		{"arn:aws:sqs:us-east-1:000000000000:secret:kafka", "", false},
		{"arn:aws:secretsmanager:us-east-1:000000000000:other:kafka", "", false},
		{"kafka", "", false},
	} {
		got, err := secretARNName(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("secretARNName(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestCheckBootstrapServer(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"localhost:9092", true},
		{"b-1.kafka.example.com:9096", true},
		{"127.0.0.1:9092", true},
		{"localhost:65535", true},
		{"localhost:65536", false},
		{"localhost:0", false},
		{"localhost", false},
		{"broker_1:9092", false},
		{"-a:9092", false},
		{"[::1]:9092", false},
		{"a:123456", false},
		{strings.Repeat("a", 300) + ":1", false},
	} {
		if got := checkBootstrapServer(tc.in) == ""; got != tc.ok {
			t.Errorf("checkBootstrapServer(%q) ok = %v; want %v", tc.in, got, tc.ok)
		}
	}
}

// FuzzKafkaSecret checks that no secret value makes the shape checks
// panic, and that their messages never quote it: every string in the
// value is marked with a NUL, which no message holds otherwise.
func FuzzKafkaSecret(f *testing.F) {
	f.Add(`{"username":"a","password":"b"}`, "a", "b")
	f.Add(`not json`, "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n", "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n")
	f.Add(`[1]`, "", "-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----\n")
	if b, err := os.ReadFile(filepath.Join("..", "pkcs8", "testdata", "ec-sha256-des3.pem")); err == nil {
		f.Add(`{}`, "correct-horse", string(b))
	}
	f.Fuzz(func(t *testing.T, raw, a, b string) {
		check := func(msg string) {
			if strings.Contains(msg, "\x00") {
				t.Fatalf("a message quotes the secret: %q", msg)
			}
		}
		_, msg := secretFields("\x00" + raw)
		check(msg)
		value, _ := json.Marshal(map[string]string{"username": "\x00" + a, "password": "\x00" + b, "certificate": a + "\x00", "privateKey": b + "\x00", "privateKeyPassword": "\x00"})
		fields, msg := secretFields(string(value))
		check(msg)
		if msg != "" {
			t.Fatalf("secretFields(%s) = %q; want a JSON object read", value, msg)
		}
		for _, s := range []secretShape{saslShape, clientCertShape, rootCAShape} {
			check(s.check(fields))
		}
		raw2, _ := json.Marshal(map[string]string{"certificate": a, "privateKey": b, "privateKeyPassword": a})
		fields, _ = secretFields(string(raw2))
		_ = clientCertShape.check(fields)
		_ = rootCAShape.check(fields)
		_, _ = secretARNName(raw)
		_ = checkBootstrapServer(raw)
		_ = checkTopicName(raw)
	})
}

// TestCheckClientCert: an encrypted client key (made by the OpenSSL CLI:
// internal/pkcs8/testdata/gen.sh) is decrypted with "privateKeyPassword"
// and then checked as a plain one; a wrong, missing or useless password
// says so, naming the field, and no message shows the secret.
func TestCheckClientCert(t *testing.T) {
	const password = "correct-horse"
	file := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "pkcs8", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// firstBlockAltered is the AES key with a bit of its first
	// ciphertext block flipped (the EC key's 144 bytes of ciphertext
	// end its DER).
	firstBlockAltered := func() string {
		b, _ := pem.Decode([]byte(file("ec-sha256-aes256.pem")))
		b.Bytes[len(b.Bytes)-140] ^= 0x80
		return string(pem.EncodeToMemory(b))
	}()
	cert, aes := file("ec.crt"), file("ec-sha256-aes256.pem")
	for _, tc := range []struct {
		name, key, password string
		want                string // "" or a part of the message
	}{
		{"plain", file("ec.pem"), "", ""},
		{"aes-256-cbc", aes, password, ""},
		{"aes-128-cbc sha1", file("ec-sha1-aes128.pem"), password, ""},
		{"des3", file("ec-sha256-des3.pem"), password, ""},
		{"scrypt", file("ec-scrypt-aes256.pem"), password, ""},
		{"another key, decrypted", file("rsa-genpkey-aes256.pem"), password, `not the key of the certificate's public key`},
		{"wrong password", aes, "wrong", `"privateKey" could not be decrypted with "privateKeyPassword"`},
		{"no password", aes, "", `"privateKeyPassword" is missing or empty`},
		{"altered ciphertext", firstBlockAltered, password, `could not be decrypted with "privateKeyPassword"`},
		{"PBES1 (as Lambda documents)", file("ec-pbes1-sha1-des.pem"), password, ""},
		{"PKCS#12 3des", file("ec-pkcs12-3des.pem"), password, ""},
		{"RC2", file("ec-pkcs12-rc2.pem"), password, `"privateKey" is encrypted in a way Verge cannot read: the key is encrypted with a legacy scheme Verge cannot read`},
		{"not encrypted PKCS#8", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n", password, `cannot read: not an encrypted PKCS#8 key`},
		{"two blocks", aes + aes, password, `"privateKey" is not one PEM block`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := clientCertShape.check(map[string]string{"certificate": cert, "privateKey": tc.key, "privateKeyPassword": tc.password})
			if (tc.want == "") != (msg == "") || !strings.Contains(msg, tc.want) {
				t.Errorf("message %q, want %q", msg, tc.want)
			}
			if m := secretText.FindString(msg); m != "" || strings.Contains(msg, password) || strings.Contains(msg, "pkcs8.") {
				t.Errorf("message %q shows the secret or an operation", msg)
			}
		})
	}
}
