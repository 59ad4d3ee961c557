package stack

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/pkcs8"
)

// kafkaTrigger checks function fn's kafka-topic event i and adds its
// trigger.
func (r *resolver) kafkaTrigger(fn string, i int, p *KafkaEventProps) {
	t := KafkaTrigger{
		Function: fn, Index: i, StartingPosition: StartTrimHorizon, Enabled: true,
		BatchSize:                  r.intIn(p.BatchSize, "batchSize", 1, maxKafkaBatch, defaultKafkaBatch, "records"),
		MaxBatchWindowSeconds:      defaultKafkaWindow,
		MaximumRetryAttempts:       r.orUnlimited(p.MaximumRetryAttempts, "maximumRetryAttempts", 0, maxStreamRetries, "retries", "retry until it succeeds"),
		BisectBatchOnFunctionError: p.BisectBatchOnFunctionError,
	}
	valid := true
	if at, ok := r.d.pos(p.MaxBatchWindowSeconds); ok {
		if w := float64(*p.MaxBatchWindowSeconds); w < 0 || w > maxStreamBatchWindow {
			r.d.errorf(at, "maxBatchWindowSeconds must be between 0 and %d seconds, found %s", maxStreamBatchWindow, strconv.FormatFloat(w, 'g', -1, 64))
		} else {
			t.MaxBatchWindowSeconds = w
		}
	}
	if at, ok := r.d.pos(p.StartingPosition); ok {
		if s := *p.StartingPosition; s != StartTrimHorizon && s != StartLatest {
			r.d.errorf(at, "startingPosition must be %s or %s, found %q", StartTrimHorizon, StartLatest, s)
		} else {
			t.StartingPosition = s
		}
	}
	if _, ok := r.d.pos(p.Enabled); ok {
		t.Enabled = *p.Enabled
	}
	var failureOK bool
	t.OnFailure, failureOK = r.streamOnFailure(p.OnFailure)
	valid = valid && failureOK
	c := p.CustomKafkaConfiguration
	if c == nil {
		return // reported: it is required
	}
	bootOK := r.bootstrapServers(c)
	t.Bootstrap = c.BootstrapServers
	tat, topicOK := r.d.pos(&c.TopicName)
	if topicOK {
		if msg := checkTopicName(c.TopicName); msg != "" {
			r.d.errorf(tat, "topicName %q %s", c.TopicName, msg)
			topicOK = false
		}
	}
	t.Topic = c.TopicName
	var authOK bool
	t.Auth, authOK = r.kafkaAuth(c)
	if !valid || !bootOK || !topicOK || !authOK {
		return
	}
	servers := slices.Clone(t.Bootstrap)
	slices.Sort(servers)
	key := "kafka\x00" + strings.Join(servers, ",") + "\x00" + t.Topic + "\x00" + fn
	if r.duplicate(tat, key, fmt.Sprintf("function %q already reads topic %q of these brokers", fn, t.Topic)) {
		return
	}
	r.kafka = append(r.kafka, t)
}

// bootstrapServer is Lambda's pattern of a KAFKA_BOOTSTRAP_SERVERS entry.
var bootstrapServer = regexp.MustCompile(`^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9]):[0-9]{1,5}$`)

// bootstrapServers checks an event's bootstrapServers, reporting whether
// they are all right.
func (r *resolver) bootstrapServers(c *KafkaConfiguration) bool {
	at, ok := r.d.pos(&c.BootstrapServers)
	if !ok {
		return false
	}
	if n := len(c.BootstrapServers); n == 0 || n > maxBootstrapServers {
		r.d.errorf(at, "bootstrapServers must list 1 to %d brokers (HOST:PORT), found %d", maxBootstrapServers, n)
		return false
	}
	valid := true
	for j, s := range c.BootstrapServers {
		sat, ok := r.d.pos(&c.BootstrapServers[j])
		if !ok {
			valid = false
			continue
		}
		if msg := checkBootstrapServer(s); msg != "" {
			r.d.errorf(sat, "bootstrapServers[%d] %q %s", j, s, msg)
			valid = false
		}
	}
	return valid
}

// checkBootstrapServer says what is wrong with a broker's address, "" if
// nothing.
func checkBootstrapServer(s string) string {
	if len(s) > maxBootstrapLen || !bootstrapServer.MatchString(s) {
		return fmt.Sprintf("must be HOST:PORT, a host name or IPv4 address and a port (Lambda's form, at most %d characters)", maxBootstrapLen)
	}
	port, _ := strconv.Atoi(s[strings.LastIndexByte(s, ':')+1:])
	if port < 1 || port > 65535 {
		return "has a port outside 1 to 65535"
	}
	return ""
}

// topicName is Kafka's rule for topic names, length aside.
var topicName = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)

// checkTopicName says what is wrong with a topic name, "" if nothing.
func checkTopicName(name string) string {
	switch {
	case name == "" || len(name) > maxTopicName:
		return fmt.Sprintf("must be 1 to %d characters", maxTopicName)
	case name == "." || name == "..":
		return `cannot be "." or ".." (Kafka's rule)`
	case !topicName.MatchString(name):
		return "may hold only letters, digits, '.', '_' and '-'"
	}
	return ""
}

// kafkaAuth resolves an event's authentication and reads its secrets;
// nil when there is none. It reports whether there was no problem.
func (r *resolver) kafkaAuth(c *KafkaConfiguration) (*KafkaAuth, bool) {
	a := c.Authentication
	if a == nil {
		_, written := r.d.key(&c.Authentication)
		return nil, !written // a bad value, reported
	}
	switch p := a.Properties.(type) {
	case *KafkaSASLAuthProps:
		auth := &KafkaAuth{Mechanism: map[string]string{KafkaBasicAuth: KafkaAuthBasic, KafkaScram256: KafkaAuthScram256, KafkaScram512: KafkaAuthScram512}[a.Type]}
		s, ok := r.kafkaSecret(&p.AuthenticationSecretArn, "authenticationSecretArn", saslShape)
		if !ok {
			return nil, false
		}
		auth.SecretARN, auth.Username, auth.Password = s.arn, s.fields["username"], s.fields["password"]
		return auth, true
	case *KafkaMTLSAuthProps:
		auth := &KafkaAuth{Mechanism: KafkaAuthMTLS}
		cert, ok := r.kafkaSecret(&p.ClientCertificate, "clientCertificate", clientCertShape)
		if ok {
			auth.SecretARN, auth.KeyPassword = cert.arn, cert.fields["privateKeyPassword"]
			auth.Certificate, auth.PrivateKey = []byte(cert.fields["certificate"]), []byte(cert.fields["privateKey"])
		}
		if _, written := r.d.key(&p.ServerRootCaCertificate); written {
			ca, caOK := r.kafkaSecret(&p.ServerRootCaCertificate, "serverRootCaCertificate", rootCAShape)
			if caOK {
				auth.RootCASecretARN, auth.RootCA = ca.arn, []byte(ca.fields["certificate"])
			}
			ok = ok && caOK
		}
		return auth, ok
	}
	return nil, false // an unknown type or bad properties, reported
}

// A kafkaSecretValue is a secret an event reads: its ARN, as Lambda's
// SourceAccessConfigurations name it, and its JSON object's strings.
type kafkaSecretValue struct {
	arn    string
	fields map[string]string
}

// A secretShape checks the fields of a secret's JSON object, saying what
// is wrong without any value.
type secretShape struct {
	// want describes the value for messages.
	want  string
	check func(fields map[string]string) string
}

// secretARNPrefix starts a Secrets Manager secret's ARN of Verge's account.
const secretARNPrefix = "arn:aws:secretsmanager:" + arnRegion + ":" + arnAccount + ":secret:"

// kafkaSecret resolves a secret property written under key:
// $Secret('name'), or a Secrets Manager ARN naming the secrets file's key,
// and checks its value's shape. Messages name the secret and its line in
// the secrets file, never its value.
func (r *resolver) kafkaSecret(t *Template, key string, shape secretShape) (kafkaSecretValue, bool) {
	at, ok := r.d.pos(t)
	if !ok {
		return kafkaSecretValue{}, false
	}
	segs, err := parseTemplate(string(*t))
	if err != nil {
		return kafkaSecretValue{}, false // reported when decoded
	}
	var name, value, dir string
	switch {
	case len(segs) == 1 && segs[0].name == directiveSecret:
		dir, name = segs[0].directive, segs[0].args[0]
		if value, ok = r.secret(at, dir, name); !ok {
			return kafkaSecretValue{}, false
		}
	case len(segs) == 1 && segs[0].name == "":
		name, err = secretARNName(segs[0].text)
		if err != nil {
			r.d.errorf(at, "%s %q %v", key, segs[0].text, err)
			return kafkaSecretValue{}, false
		}
		name = r.secretKey(name)
		dir = fmt.Sprintf("%s %q", key, segs[0].text)
		if value, ok = r.secret(at, dir, name); !ok {
			return kafkaSecretValue{}, false
		}
	default:
		r.d.errorf(at, "%s must be $Secret('name') or a Secrets Manager secret's ARN (%sNAME), found %q", key, secretARNPrefix, string(*t))
		return kafkaSecretValue{}, false
	}
	fields, msg := secretFields(value)
	if msg == "" {
		msg = shape.check(fields)
	}
	if msg != "" {
		r.d.errorf(at, "%s: secret %q in %s (line %d) must be a JSON object %s: %s", key, name, r.secrets.display, r.secrets.secrets[name].line, shape.want, msg)
		return kafkaSecretValue{}, false
	}
	return kafkaSecretValue{arn: secretARNPrefix + name, fields: fields}, true
}

// secretARNName returns the secret name of a Secrets Manager ARN
// (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME). Its region and
// account are not checked: the value comes from the secrets file.
func secretARNName(s string) (string, error) {
	parts := strings.SplitN(s, ":", 7)
	switch {
	case len(parts) < 7 || parts[0] != "arn":
		return "", fmt.Errorf("is neither $Secret('name') nor a Secrets Manager secret's ARN (%sNAME)", secretARNPrefix)
	case parts[2] != "secretsmanager" || parts[5] != "secret":
		return "", fmt.Errorf("is not a Secrets Manager secret's ARN (%sNAME)", secretARNPrefix)
	case parts[6] == "":
		return "", errors.New("names no secret")
	}
	return parts[6], nil
}

// awsSecretSuffix is the "-" and 6 characters AWS appends to a secret's
// name in its ARN.
var awsSecretSuffix = regexp.MustCompile(`-[a-zA-Z0-9]{6}$`)

// secretKey is the secrets file's key a secret ARN's name stands for: the
// name, or the name without AWS's suffix when only that is a key.
func (r *resolver) secretKey(name string) string {
	sf := r.loadSecrets()
	if _, ok := sf.secrets[name]; ok || sf.err != nil {
		return name
	}
	if loc := awsSecretSuffix.FindStringIndex(name); loc != nil {
		if _, ok := sf.secrets[name[:loc[0]]]; ok {
			return name[:loc[0]]
		}
	}
	return name
}

// secretFields reads a secret's value as a JSON object of strings, saying
// what is wrong without quoting any of it (encoding/json's syntax errors
// quote the offending character).
func secretFields(value string) (map[string]string, string) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(value), &raw); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, "it is JSON but not an object"
		}
		return nil, "it is not valid JSON"
	}
	if raw == nil {
		return nil, "it is JSON but not an object"
	}
	fields := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			fields[k] = s
		}
	}
	return fields, ""
}

// requireStrings says which of names the fields lack or leave empty.
func requireStrings(fields map[string]string, names ...string) string {
	for _, n := range names {
		if fields[n] == "" {
			return fmt.Sprintf("%q is missing, empty or not a string", n)
		}
	}
	return ""
}

var (
	saslShape = secretShape{want: `{"username": "…", "password": "…"}`, check: func(f map[string]string) string {
		return requireStrings(f, "username", "password")
	}}
	clientCertShape = secretShape{want: `{"certificate": PEM chain, "privateKey": PKCS#8 PEM, "privateKeyPassword"?}`, check: checkClientCert}
	rootCAShape     = secretShape{want: `{"certificate": PEM}`, check: func(f map[string]string) string {
		if msg := requireStrings(f, "certificate"); msg != "" {
			return msg
		}
		return checkCertificates([]byte(f["certificate"]))
	}}
)

// checkClientCert checks an MTLS client certificate secret's fields: a
// certificate chain and its PKCS#8 key, as Lambda takes them; an
// encrypted key is decrypted with "privateKeyPassword" and then checked
// as a plain one.
func checkClientCert(f map[string]string) string {
	if msg := requireStrings(f, "certificate", "privateKey"); msg != "" {
		return msg
	}
	cert, key := []byte(f["certificate"]), []byte(f["privateKey"])
	if msg := checkCertificates(cert); msg != "" {
		return msg
	}
	block, rest := pem.Decode(key)
	switch {
	case block == nil || len(strings.TrimSpace(string(rest))) != 0:
		return `"privateKey" is not one PEM block`
	case block.Type == "ENCRYPTED PRIVATE KEY":
		der, msg := decryptClientKey(block.Bytes, f["privateKeyPassword"])
		if msg != "" {
			return msg
		}
		block = &pem.Block{Type: "PRIVATE KEY", Bytes: der}
		key = pem.EncodeToMemory(block)
	case block.Type != "PRIVATE KEY":
		return fmt.Sprintf(`"privateKey" is a %s; Lambda takes a PKCS#8 key (BEGIN PRIVATE KEY): convert it with openssl pkcs8 -topk8`, pemKind(block.Type))
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		return `"privateKey" is not a PKCS#8 private key`
	}
	if _, err := tls.X509KeyPair(cert, key); err != nil {
		return `"privateKey" is not the key of the certificate's public key`
	}
	return ""
}

// decryptClientKey decrypts an encrypted PKCS#8 key's DER with password,
// or says why it cannot.
func decryptClientKey(der []byte, password string) ([]byte, string) {
	if password == "" {
		return nil, `"privateKey" is encrypted but "privateKeyPassword" is missing or empty`
	}
	plain, err := pkcs8.Decrypt(der, password)
	if errors.Is(err, pkcs8.ErrPassword) {
		return nil, `"privateKey" could not be decrypted with "privateKeyPassword": wrong password or corrupted key`
	}
	if e := (*errs.Error)(nil); errors.As(err, &e) {
		err = e.Err // the reason, without the operation
	}
	if err != nil {
		return nil, fmt.Sprintf(`"privateKey" is encrypted in a way Verge cannot read: %v`, err)
	}
	return plain, ""
}

// pemKind names a PEM block type for messages, the known ones only.
func pemKind(typ string) string {
	switch typ {
	case "RSA PRIVATE KEY":
		return "PKCS#1 RSA key"
	case "EC PRIVATE KEY":
		return "SEC 1 EC key"
	}
	return "PEM block of another type" // its label is the secret's text: not shown
}

// checkCertificates checks that "certificate" is PEM certificates, one at
// least and nothing else.
func checkCertificates(data []byte) string {
	n := 0
	for {
		block, rest := pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return fmt.Sprintf(`"certificate" holds a %s, not only certificates`, pemKind(block.Type))
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return fmt.Sprintf(`"certificate" block %d is not an X.509 certificate`, n+1)
		}
		n++
		data = rest
	}
	switch {
	case n == 0:
		return `"certificate" is not PEM (BEGIN CERTIFICATE)`
	case len(strings.TrimSpace(string(data))) != 0:
		return `"certificate" has text after its PEM blocks`
	}
	return ""
}

// finishKafka returns the Kafka triggers by function, then index.
func (r *resolver) finishKafka() []KafkaTrigger {
	slices.SortFunc(r.kafka, func(a, b KafkaTrigger) int { return cmpEvent(a.Function, b.Function, a.Index, b.Index) })
	return r.kafka
}
