package engine

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/verge-edge/verge/internal/identity"
)

// kafkaEventCorpus is AWS's Kafka event, as aws-lambda-go tests it.
const kafkaEventCorpus = "../../../shared/corpora/aws_aws-lambda-go/events/testdata/kafka-event.json"

// kafkaYAML is a function reading a topic, forwarding each event to the
// seen queue; AUTH is replaced by an authentication block (scramAuth, the
// seed sketch's form, or mtlsAuth).
const kafkaYAML = `resources:
  seen:
    type: sqs-queue
  reader:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: forward.js}}
      timeout: 5
      connectTo: [seen]
      events:
        - type: kafka-topic
          properties:
            customKafkaConfiguration:
              bootstrapServers: [BOOTSTRAP]
              topicName: payments
AUTH
            batchSize: 10
            maxBatchWindowSeconds: 0
`

const (
	scramAuth = `              authentication:
                type: SASL_SCRAM_512_AUTH
                properties: {authenticationSecretArn: $Secret('kafka')}`
	mtlsAuth = `              authentication:
                type: MTLS
                properties:
                  clientCertificate: $Secret('client')
                  serverRootCaCertificate: arn:aws:secretsmanager:us-east-1:000000000000:secret:ca-AbC123`
)

// forwardJS sends each event, whole, to the seen queue.
const forwardJS = `const { SQSClient, GetQueueUrlCommand, SendMessageCommand } = require('@aws-sdk/client-sqs');
const sqs = new SQSClient({});
exports.handler = async (event) => {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'seen' }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(event) }));
};
`

// kafkaUser and kafkaPassword are the cluster's SCRAM-SHA-512 user.
const (
	kafkaUser     = "verge"
	kafkaPassword = "kafka-pass-0"
)

// newKafka starts a kfake cluster of one broker taking SASL/SCRAM-512,
// with a topic "payments" of two partitions.
func newKafka(t *testing.T) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", kafkaUser, kafkaPassword),
		kfake.SeedTopics(2, "payments"))
	must(t, err)
	t.Cleanup(c.Close)
	return c
}

// kafkaClient is a franz-go client of the cluster, as its user.
// scramSecrets is a secrets file holding the SCRAM user with password.
func scramSecrets(password string) string {
	secret, _ := json.Marshal(map[string]string{"username": kafkaUser, "password": password})
	quoted, _ := json.Marshal(string(secret))
	return "kafka: " + string(quoted) + "\n"
}

func kafkaClient(t *testing.T, c *kfake.Cluster) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...),
		kgo.SASL(scram.Auth{User: kafkaUser, Pass: kafkaPassword}.AsSha512Mechanism()), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	must(t, err)
	t.Cleanup(cl.Close)
	return cl
}

// kafkaStack writes the stack with the brokers, the authentication block
// and the secrets file, and serves it.
func kafkaStack(t *testing.T, brokers []string, auth, secrets string, o Options) *lambda.Client {
	t.Helper()
	stackFile := strings.ReplaceAll(kafkaYAML, "BOOTSTRAP", strings.Join(brokers, ", "))
	e, _ := serveStack(t, map[string]string{
		"verge.yaml":   strings.ReplaceAll(stackFile, "AUTH", auth),
		"forward.js":   forwardJS,
		"secrets.yaml": secrets,
	}, o)
	_, adminAddr := e.Addrs()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	creds := credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, "tok", "")
	return lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + adminAddr), HTTPClient: &http.Client{Transport: tr}, Credentials: creds})
}

// TestKafkaTrigger runs a kafka-topic trigger end to end: a real node
// function reads a kfake cluster with SASL/SCRAM-512 through the Kafka
// mappings, and gets every produced record once, in order per partition,
// in AWS's SelfManagedKafka event; ListEventSourceMappings shows the
// mapping as Lambda does, its UUID the consumer group's id.
func TestKafkaTrigger(t *testing.T) {
	cluster := newKafka(t)
	lam := kafkaStack(t, cluster.ListenAddrs(), scramAuth, scramSecrets(kafkaPassword), Options{})
	cl := kafkaClient(t, cluster)
	m := deliver(t, lam, cl, cluster.ListenAddrs())
	want := []lambdatypes.SourceAccessConfiguration{{Type: lambdatypes.SourceAccessTypeSaslScram512Auth, URI: aws.String("arn:aws:secretsmanager:us-east-1:000000000000:secret:kafka")}}
	checkAccess(t, m.SourceAccessConfigurations, want)
}

// checkAccess compares SourceAccessConfigurations.
func checkAccess(t *testing.T, got, want []lambdatypes.SourceAccessConfiguration) {
	t.Helper()
	eq := func(a, b lambdatypes.SourceAccessConfiguration) bool {
		return a.Type == b.Type && aws.ToString(a.URI) == aws.ToString(b.URI)
	}
	if !slices.EqualFunc(got, want, eq) {
		t.Errorf("SourceAccessConfigurations = %+v; want %+v", got, want)
	}
}

// deliver produces 20 records on the two partitions of "payments" and
// checks that the reader gets each once, in order per partition, in AWS's
// SelfManagedKafka event, read in the consumer group named by the
// mapping's UUID; it returns the reader's mapping as
// ListEventSourceMappings shows it, after checking what every Kafka
// mapping shows.
func deliver(t *testing.T, lam *lambda.Client, cl *kgo.Client, brokers []string) lambdatypes.EventSourceMappingConfiguration {
	t.Helper()
	ctx := context.Background()
	admin := &http.Transport{}
	t.Cleanup(admin.CloseIdleConnections)
	creds := credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, "tok", "")
	qs := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: lam.Options().BaseEndpoint, HTTPClient: &http.Client{Transport: admin}, Credentials: creds})

	// 20 records on two partitions, with a header of bytes above 127.
	const n = 20
	for i := range n {
		r := &kgo.Record{Topic: "payments", Partition: int32(i % 2), Key: []byte("k" + strconv.Itoa(i)), Value: []byte("payment-" + strconv.Itoa(i)),
			Headers: []kgo.RecordHeader{{Key: "trace", Value: []byte{0x76, 0xdc, 0x00, 0x7f, 0x80}}}}
		must(t, cl.ProduceSync(ctx, r).FirstErr())
	}

	corpusKeys := recordKeys(t, kafkaEventCorpus)
	seen := queueURL(t, qs, "seen")
	next := map[int64]int{0: 0, 1: 1} // the next record expected on each partition
	for got := 0; got < n; {
		body := []byte(aws.ToString(receiveOne(t, qs, seen).Body))
		ev := strictKafkaEvent(t, body)
		if ev.EventSource != "SelfManagedKafka" || ev.EventSourceARN != "" || ev.BootstrapServers != strings.Join(brokers, ",") {
			t.Errorf("event: source %q, arn %q, bootstrapServers %q", ev.EventSource, ev.EventSourceARN, ev.BootstrapServers)
		}
		var raw struct {
			Records map[string][]map[string]json.RawMessage `json:"records"`
		}
		must(t, json.Unmarshal(body, &raw))
		for key, recs := range ev.Records {
			for j, r := range recs {
				if k := slices.Sorted(maps.Keys(raw.Records[key][j])); !slices.Equal(k, corpusKeys) {
					t.Errorf("record fields %v; AWS's are %v", k, corpusKeys)
				}
				want := next[r.Partition]
				if key != "payments-"+strconv.FormatInt(r.Partition, 10) || r.Topic != "payments" || r.TimestampType != "CREATE_TIME" ||
					decode64(t, r.Key) != "k"+strconv.Itoa(want) || decode64(t, r.Value) != "payment-"+strconv.Itoa(want) ||
					r.Offset != int64(want/2) || time.Since(r.Timestamp.Time) > time.Hour || len(r.Headers) != 1 ||
					!bytes.Equal(r.Headers[0]["trace"], []byte{0x76, 0xdc, 0x00, 0x7f, 0x80}) {
					t.Fatalf("record %s[%d] = %+v; want payment-%d (out of order, duplicated or misshapen)", key, j, r, want)
				}
				next[r.Partition] += 2
				got++
			}
		}
	}

	ms, err := lam.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{FunctionName: aws.String("reader")})
	must(t, err)
	if len(ms.EventSourceMappings) != 1 {
		t.Fatalf("mappings: %+v", ms.EventSourceMappings)
	}
	m := ms.EventSourceMappings[0]
	if m.EventSourceArn != nil || m.SelfManagedEventSource == nil || !slices.Equal(m.SelfManagedEventSource.Endpoints["KAFKA_BOOTSTRAP_SERVERS"], brokers) ||
		!slices.Equal(m.Topics, []string{"payments"}) ||
		m.StartingPosition != lambdatypes.EventSourcePositionTrimHorizon || aws.ToInt32(m.BatchSize) != 10 || aws.ToString(m.State) != "Enabled" ||
		aws.ToString(m.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:reader" {
		t.Errorf("mapping: %+v", m)
	}
	if strings.HasPrefix(aws.ToString(m.LastProcessingResult), "PROBLEM") || strings.HasPrefix(aws.ToString(m.StateTransitionReason), "PROBLEM") {
		t.Errorf("mapping after its records were delivered: LastProcessingResult %q, StateTransitionReason %q", aws.ToString(m.LastProcessingResult), aws.ToString(m.StateTransitionReason))
	}
	one, err := lam.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: m.UUID})
	must(t, err)
	if !slices.Equal(one.Topics, m.Topics) || aws.ToString(one.SelfManagedKafkaEventSourceConfig.ConsumerGroupId) != aws.ToString(m.UUID) {
		t.Errorf("GetEventSourceMapping: %+v", one)
	}
	// The mapping's UUID is the consumer group the records were read in.
	groups, err := kmsg.NewPtrListGroupsRequest().RequestWith(ctx, cl)
	must(t, err)
	var ids []string
	for _, g := range groups.Groups {
		ids = append(ids, g.Group)
	}
	if !slices.Contains(ids, aws.ToString(m.UUID)) {
		t.Errorf("consumer groups %v; want the mapping's UUID %s", ids, aws.ToString(m.UUID))
	}
	return m
}

// TestKafkaTriggerAuthFailure: with a wrong password the mapping reads
// nothing, its StateTransitionReason says the brokers refused the
// credentials, and Verge's log (which verge dev shows) says so too;
// neither shows the password.
func TestKafkaTriggerAuthFailure(t *testing.T) {
	cluster := newKafka(t)
	const wrong = "not-the-password-9"
	var logs lockedBuffer
	lam := kafkaStack(t, cluster.ListenAddrs(), scramAuth, scramSecrets(wrong), Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	m := waitProblem(t, lam, func(reason string) bool {
		reason = strings.ToLower(reason)
		return strings.Contains(reason, "auth") || strings.Contains(reason, "sasl") || strings.Contains(reason, "credential")
	})
	t.Logf("StateTransitionReason %q, LastProcessingResult %q", aws.ToString(m.StateTransitionReason), aws.ToString(m.LastProcessingResult))
	for _, s := range []string{aws.ToString(m.StateTransitionReason), aws.ToString(m.LastProcessingResult)} {
		if strings.Contains(s, wrong) {
			t.Errorf("the mapping's state shows the password: %q", s)
		}
	}
	// The mapping's log line names the function and the problem.
	problem := strings.TrimPrefix(aws.ToString(m.StateTransitionReason), "PROBLEM: ")
	deadline := time.Now().Add(60 * time.Second)
	for !logLine(logs.String(), problem, "function=reader") {
		if time.Now().After(deadline) {
			t.Fatalf("no log line on the failing trigger:\n%s", logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if strings.Contains(logs.String(), wrong) {
		t.Errorf("the log shows the password:\n%s", logs.String())
	}
}

// logLine reports whether one line of log holds all of parts.
func logLine(log string, parts ...string) bool {
	for line := range strings.Lines(log) {
		if !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(line, p) }) {
			return true
		}
	}
	return false
}

// A lockedBuffer is a bytes.Buffer safe for a logger's concurrent writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestKafkaTriggerUnreachable: with no broker at the bootstrap address the
// mapping's state says it cannot connect (Lambda's "PROBLEM: Connection
// error. …"), and Verge's log says so.
func TestKafkaTriggerUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	var logs lockedBuffer
	lam := kafkaStack(t, []string{addr}, scramAuth, scramSecrets(kafkaPassword), Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	m := waitProblem(t, lam, func(reason string) bool {
		return strings.HasPrefix(reason, "PROBLEM") && strings.Contains(strings.ToLower(reason), "connect")
	})
	t.Logf("StateTransitionReason %q, LastProcessingResult %q", aws.ToString(m.StateTransitionReason), aws.ToString(m.LastProcessingResult))
	problem := strings.TrimPrefix(aws.ToString(m.StateTransitionReason), "PROBLEM: ")
	deadline := time.Now().Add(60 * time.Second)
	for !logLine(logs.String(), problem, "function=reader") {
		if time.Now().After(deadline) {
			t.Fatalf("no log line on the failing trigger:\n%s", logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitProblem lists the reader's one mapping until its
// StateTransitionReason satisfies ok, failing after a minute.
func waitProblem(t *testing.T, lam *lambda.Client, ok func(reason string) bool) lambdatypes.EventSourceMappingConfiguration {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ms, err := lam.ListEventSourceMappings(context.Background(), &lambda.ListEventSourceMappingsInput{FunctionName: aws.String("reader")})
		must(t, err)
		if len(ms.EventSourceMappings) != 1 {
			t.Fatalf("mappings: %+v", ms.EventSourceMappings)
		}
		m := ms.EventSourceMappings[0]
		if ok(aws.ToString(m.StateTransitionReason)) {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("StateTransitionReason %q, LastProcessingResult %q; want the problem named",
				aws.ToString(m.StateTransitionReason), aws.ToString(m.LastProcessingResult))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// strictKafkaEvent decodes an event into aws-lambda-go's type, refusing
// fields it does not know.
func strictKafkaEvent(t *testing.T, raw []byte) events.KafkaEvent {
	t.Helper()
	var ev events.KafkaEvent
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		t.Fatalf("event %s: %v", raw, err)
	}
	return ev
}

// recordKeys are the field names of the first record of the Kafka event
// in file, sorted.
func recordKeys(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	must(t, err)
	var ev struct {
		Records map[string][]map[string]json.RawMessage `json:"records"`
	}
	must(t, json.Unmarshal(b, &ev))
	for _, recs := range ev.Records {
		return slices.Sorted(maps.Keys(recs[0]))
	}
	t.Fatalf("%s has no record", file)
	return nil
}

func decode64(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	must(t, err)
	return string(b)
}
