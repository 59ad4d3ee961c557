package sns

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/sqs"
)

// memQueues is an in-memory SQS: what was sent, by queue. Queues named
// "missing…" fail.
type memQueues struct {
	mu   sync.Mutex
	sent map[string][]sqs.SendInput
}

func (q *memQueues) Send(_ context.Context, queue string, in []sqs.SendInput) ([]sqs.SendResult, []error, error) {
	if strings.HasPrefix(queue, "missing") {
		return nil, nil, errors.New("QueueDoesNotExist: " + queue)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.sent == nil {
		q.sent = map[string][]sqs.SendInput{}
	}
	q.sent[queue] = append(q.sent[queue], in...)
	out := make([]sqs.SendResult, len(in))
	return out, make([]error, len(in)), nil
}

func (q *memQueues) get(queue string) []sqs.SendInput {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]sqs.SendInput(nil), q.sent[queue]...)
}

// memLambda records the payloads enqueued, by function.
type memLambda struct {
	mu       sync.Mutex
	payloads map[string][][]byte
}

func (l *memLambda) Enqueue(_ context.Context, function string, payload []byte) (string, error) {
	if strings.HasPrefix(function, "missing") {
		return "", errors.New("ResourceNotFoundException: " + function)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.payloads == nil {
		l.payloads = map[string][][]byte{}
	}
	l.payloads[function] = append(l.payloads[function], payload)
	return "req", nil
}

func (l *memLambda) get(function string) [][]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.payloads[function]
}

type env struct {
	b      *broker.Broker
	svc    *Service
	q      *memQueues
	l      *memLambda
	server *httptest.Server // serves svc.Handler(): the Endpoint
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// newEnv starts an embedded broker and an SNS service on it, with
// in-memory queues and Lambda and its links served on a test server.
func newEnv(t testing.TB) *env {
	t.Helper()
	b, err := broker.Open(testCtx(t), broker.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	e := &env{b: b, q: &memQueues{}, l: &memLambda{}}
	var h http.Handler = http.NotFoundHandler()
	var mu sync.RWMutex
	e.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.RLock()
		defer mu.RUnlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(e.server.Close)
	e.svc = e.open(t)
	mu.Lock()
	h = e.svc.Handler()
	mu.Unlock()
	return e
}

// open opens a service on the env's broker (again, for restarts).
func (e *env) open(t testing.TB) *Service {
	t.Helper()
	svc, err := Open(testCtx(t), Options{JetStream: e.b.JetStream(), Queues: e.q, Lambda: e.l, Endpoint: e.server.URL, RetryDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return svc
}

const (
	queueArn  = "arn:aws:sqs:us-east-1:000000000000:"
	lambdaArn = "arn:aws:lambda:us-east-1:000000000000:function:"
)

// verify checks a message's signature as AWS's documented steps do: fetch
// the certificate from SigningCertURL, build the canonical string from the
// message's fields by type, and check the signature with SHA1 or SHA256
// by SignatureVersion.
func verify(t *testing.T, fields map[string]string) {
	t.Helper()
	certURL := fields["SigningCertURL"]
	if certURL == "" {
		certURL = fields["SigningCertUrl"]
	}
	resp, err := http.Get(certURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	block, _ := pem.Decode(body)
	if resp.StatusCode != 200 || block == nil {
		t.Fatalf("certificate: %s %q", resp.Status, body)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	switch fields["Type"] {
	case "Notification":
		names = []string{"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
	case "SubscriptionConfirmation", "UnsubscribeConfirmation":
		names = []string{"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"}
	default:
		t.Fatalf("type %q", fields["Type"])
	}
	var canon strings.Builder
	for _, n := range names {
		v, ok := fields[n]
		if !ok {
			continue // Subject when there is none
		}
		canon.WriteString(n + "\n" + v + "\n")
	}
	sig, err := base64.StdEncoding.DecodeString(fields["Signature"])
	if err != nil {
		t.Fatal(err)
	}
	pub := cert.PublicKey.(*rsa.PublicKey)
	switch fields["SignatureVersion"] {
	case "1":
		h := sha1.Sum([]byte(canon.String()))
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA1, h[:], sig)
	case "2":
		h := sha256.Sum256([]byte(canon.String()))
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig)
	default:
		t.Fatalf("SignatureVersion %q", fields["SignatureVersion"])
	}
	if err != nil {
		t.Errorf("signature does not verify: %v", err)
	}
}

// stringFields is a JSON object's string members.
func stringFields(t *testing.T, doc []byte) map[string]string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatalf("%v: %s", err, doc)
	}
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

func mustTopic(t *testing.T, svc *Service, name string, attrs map[string]string) string {
	t.Helper()
	a, err := svc.CreateTopic(context.Background(), name, attrs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustSub(t *testing.T, svc *Service, topicArn, protocol, endpoint string, attrs map[string]string) string {
	t.Helper()
	a, err := svc.Subscribe(context.Background(), topicArn, protocol, endpoint, attrs, true)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return ""
}

// TestPublishSQS delivers to SQS subscriptions: the signed envelope, raw
// delivery with its attributes, filter policies on attributes and body.
func TestPublishSQS(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	topic := mustTopic(t, e.svc, "orders", nil)
	envSub := mustSub(t, e.svc, topic, "sqs", queueArn+"all", nil)
	mustSub(t, e.svc, topic, "sqs", queueArn+"raw", map[string]string{"RawMessageDelivery": "True"})
	mustSub(t, e.svc, topic, "sqs", queueArn+"big", map[string]string{"FilterPolicy": `{"total":[{"numeric":[">",100]}]}`})
	mustSub(t, e.svc, topic, "sqs", queueArn+"paris", map[string]string{"FilterPolicy": `{"city":["Paris"]}`, "FilterPolicyScope": "MessageBody"})

	attrs := map[string]MessageAttribute{
		"total": {DataType: "Number", StringValue: "250"},
		"tags":  {DataType: "String.Array", StringValue: `["a","b"]`},
		"bin":   {DataType: "Binary", BinaryValue: []byte{0, 1, 2}},
	}
	r, err := e.svc.Publish(ctx, topic, PublishInput{Message: `{"city":"Lyon"}`, Subject: "New order", Attributes: attrs})
	if err != nil || r.MessageID == "" || r.SequenceNumber != "" {
		t.Fatalf("Publish: %+v %v", r, err)
	}
	if _, err := e.svc.Publish(ctx, topic, PublishInput{Message: `{"city":"Paris"}`}); err != nil {
		t.Fatal(err)
	}

	all := e.q.get("all")
	if len(all) != 2 {
		t.Fatalf("queue all got %d messages", len(all))
	}
	f := stringFields(t, []byte(all[0].Body))
	want := map[string]string{"Type": "Notification", "MessageId": r.MessageID, "TopicArn": topic, "Subject": "New order",
		"Message": `{"city":"Lyon"}`, "SignatureVersion": "1", "SigningCertURL": e.server.URL + CertPath}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("envelope %s = %q, want %q", k, f[k], v)
		}
	}
	if !strings.HasPrefix(f["UnsubscribeURL"], e.server.URL+"/sns/link?Action=Unsubscribe&SubscriptionArn=") || !strings.Contains(f["UnsubscribeURL"], strings.ReplaceAll(envSub, ":", "%3A")) {
		t.Errorf("UnsubscribeURL = %q", f["UnsubscribeURL"])
	}
	if _, err := time.Parse(timeLayout, f["Timestamp"]); err != nil {
		t.Errorf("Timestamp %q: %v", f["Timestamp"], err)
	}
	var env struct {
		MessageAttributes map[string]struct{ Type, Value string }
	}
	json.Unmarshal([]byte(all[0].Body), &env)
	if a := env.MessageAttributes; a["total"].Value != "250" || a["tags"].Type != "String.Array" || a["bin"].Value != "AAEC" {
		t.Errorf("envelope attributes %+v", a)
	}
	verify(t, f)
	verify(t, stringFields(t, []byte(all[1].Body))) // no Subject

	raw := e.q.get("raw")
	if len(raw) != 2 || raw[0].Body != `{"city":"Lyon"}` || raw[0].Attributes["total"].DataType != "Number" ||
		raw[0].Attributes["tags"].DataType != "String" || string(raw[0].Attributes["bin"].BinaryValue) != "\x00\x01\x02" || raw[1].Attributes != nil {
		t.Errorf("raw deliveries %+v", raw)
	}
	if big := e.q.get("big"); len(big) != 1 {
		t.Errorf("attribute filter let %d messages through, want 1", len(big))
	}
	if paris := e.q.get("paris"); len(paris) != 1 || !strings.Contains(paris[0].Body, `Paris`) {
		t.Errorf("body filter deliveries %+v", paris)
	}
}

// TestLambdaPayload checks the Records[].Sns event strictly against
// aws-lambda-go's corpus event: the same field names at every level,
// decoded with unknown fields refused.
func TestLambdaPayload(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	topic := mustTopic(t, e.svc, "events", map[string]string{"SignatureVersion": "2"})
	sub := mustSub(t, e.svc, topic, "lambda", lambdaArn+"worker", nil)
	mustSub(t, e.svc, topic, "lambda", lambdaArn+"worker:live", nil)
	r, err := e.svc.Publish(ctx, topic, PublishInput{Message: "Hello from SNS!", Subject: "TestInvoke",
		Attributes: map[string]MessageAttribute{"Test": {DataType: "String", StringValue: "TestString"}, "TestBinary": {DataType: "Binary", BinaryValue: []byte("TestBinary")}}})
	if err != nil {
		t.Fatal(err)
	}
	got := e.l.get("worker")
	if len(got) != 1 || len(e.l.get("worker:live")) != 1 {
		t.Fatalf("enqueued %d and %d payloads", len(got), len(e.l.get("worker:live")))
	}
	corpus, err := readCorpus("sns-event.json")
	if err != nil {
		t.Skip(err)
	}
	if a, b := fieldSet(t, corpus), fieldSet(t, got[0]); a != b {
		t.Errorf("field sets differ:\ncorpus %s\nours   %s", a, b)
	}
	ev := strictSNSEvent(t, got[0])
	rec := ev.Records[0]
	if rec.EventSource != "aws:sns" || rec.EventVersion != "1.0" || rec.EventSubscriptionArn != sub || rec.SNS.MessageID != r.MessageID ||
		rec.SNS.Subject != "TestInvoke" || rec.SNS.SignatureVersion != "2" || rec.SNS.Timestamp.IsZero() {
		t.Errorf("record %+v", rec)
	}
	verify(t, stringFields(t, mustJSON(t, got[0], "Records", "0", "Sns")))
}

// mustJSON is the JSON value at a path of keys (array indices as digits).
func mustJSON(t *testing.T, doc []byte, path ...string) []byte {
	t.Helper()
	var v any
	json.Unmarshal(doc, &v)
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			var i int
			fmt.Sscan(p, &i)
			v = x[i]
		}
	}
	b, _ := json.Marshal(v)
	return b
}

// TestFIFO checks FIFO topics: group ids required, deduplication (explicit
// and content-based) within five minutes, sequence numbers, FIFO queues
// only.
func TestFIFO(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.svc.CreateTopic(ctx, "jobs.fifo", nil, nil); code(err) != CodeInvalidParameter {
		t.Errorf("a .fifo name without FifoTopic: %v", err)
	}
	if _, err := e.svc.CreateTopic(ctx, "jobs", map[string]string{"FifoTopic": "true"}, nil); code(err) != CodeInvalidParameter {
		t.Errorf("FifoTopic without .fifo: %v", err)
	}
	topic := mustTopic(t, e.svc, "jobs.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
	if _, err := e.svc.Subscribe(ctx, topic, "sqs", queueArn+"plain", nil, true); code(err) != CodeInvalidParameter {
		t.Errorf("standard queue on a FIFO topic: %v", err)
	}
	if _, err := e.svc.Subscribe(ctx, topic, "lambda", lambdaArn+"f", nil, true); code(err) != CodeInvalidParameter {
		t.Errorf("lambda on a FIFO topic: %v", err)
	}
	std := mustTopic(t, e.svc, "std", nil)
	if _, err := e.svc.Subscribe(ctx, std, "sqs", queueArn+"q.fifo", nil, true); code(err) != CodeInvalidParameter {
		t.Errorf("FIFO queue on a standard topic: %v", err)
	}
	mustSub(t, e.svc, topic, "sqs", queueArn+"q.fifo", nil)
	if _, err := e.svc.Publish(ctx, topic, PublishInput{Message: "a"}); code(err) != CodeInvalidParameter {
		t.Errorf("no group id: %v", err)
	}
	r1, err := e.svc.Publish(ctx, topic, PublishInput{Message: "a", GroupID: "g"})
	if err != nil || r1.SequenceNumber == "" {
		t.Fatal(r1, err)
	}
	r2, _ := e.svc.Publish(ctx, topic, PublishInput{Message: "a", GroupID: "g"})
	r3, _ := e.svc.Publish(ctx, topic, PublishInput{Message: "b", GroupID: "g", DeduplicationID: "d1"})
	r4, _ := e.svc.Publish(ctx, topic, PublishInput{Message: "c", GroupID: "g", DeduplicationID: "d1"})
	if r2 != r1 || r4 != r3 || r3.SequenceNumber <= r1.SequenceNumber {
		t.Errorf("dedup: %+v %+v %+v %+v", r1, r2, r3, r4)
	}
	got := e.q.get("q.fifo")
	if len(got) != 2 || got[0].GroupID != "g" || got[0].DeduplicationID == "" || got[1].DeduplicationID != "d1" {
		t.Fatalf("FIFO deliveries %+v", got)
	}
	if f := stringFields(t, []byte(got[0].Body)); f["SequenceNumber"] != r1.SequenceNumber {
		t.Errorf("envelope SequenceNumber %q, want %q", f["SequenceNumber"], r1.SequenceNumber)
	}
	if _, err := e.svc.Publish(ctx, std, PublishInput{Message: "a", DeduplicationID: "x"}); code(err) != CodeInvalidParameter {
		t.Errorf("dedup id on a standard topic: %v", err)
	}

	// Deduplication holds across a restart (and between nodes).
	e.svc.Close()
	again := e.open(t)
	if r5, err := again.Publish(ctx, topic, PublishInput{Message: "d", GroupID: "g", DeduplicationID: "d1"}); err != nil || r5 != r3 {
		t.Errorf("after a restart: %+v %v, want %+v", r5, err, r3)
	}
	if n := len(e.q.get("q.fifo")); n != 2 {
		t.Errorf("a duplicate was delivered after the restart: %d messages", n)
	}
}

// TestHTTPSubscription runs the confirmation handshake against an HTTP
// endpoint, then a notification with SNS's headers; a pending
// subscription gets nothing, and a failing endpoint's messages go to the
// dead-letter queue.
func TestHTTPSubscription(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	topic := mustTopic(t, e.svc, "web", nil)

	type delivery struct {
		header http.Header
		body   []byte
	}
	got := make(chan delivery, 10)
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- delivery{r.Header.Clone(), b}
	}))
	defer endpoint.Close()

	a, err := e.svc.Subscribe(ctx, topic, "http", endpoint.URL+"/hook", nil, false)
	if err != nil || a != PendingConfirmation {
		t.Fatalf("Subscribe = %q, %v", a, err)
	}
	var conf delivery
	select {
	case conf = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("no SubscriptionConfirmation")
	}
	f := stringFields(t, conf.body)
	if conf.header.Get(HeaderMessageType) != TypeSubscriptionConfirmation || f["Type"] != TypeSubscriptionConfirmation || f["TopicArn"] != topic || f["Token"] == "" {
		t.Fatalf("confirmation %v %s", conf.header, conf.body)
	}
	verify(t, f)

	// Pending: nothing is delivered.
	if _, err := e.svc.Publish(ctx, topic, PublishInput{Message: "early"}); err != nil {
		t.Fatal(err)
	}
	subs, _, _ := e.svc.ListSubscriptionsByTopic(topic, "")
	if len(subs) != 1 || subs[0].SubscriptionArn != PendingConfirmation {
		t.Fatalf("pending subscription listed as %+v", subs)
	}

	// Visiting SubscribeURL confirms.
	resp, err := http.Get(f["SubscribeURL"])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<SubscriptionArn>"+topic+":") {
		t.Fatalf("SubscribeURL: %s %s", resp.Status, body)
	}
	subs, _, _ = e.svc.ListSubscriptionsByTopic(topic, "")
	subArn := subs[0].SubscriptionArn
	if !strings.HasPrefix(subArn, topic+":") {
		t.Fatalf("confirmed subscription listed as %+v", subs)
	}

	r, err := e.svc.Publish(ctx, topic, PublishInput{Message: "hello", Subject: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-got:
		f := stringFields(t, d.body)
		if d.header.Get(HeaderMessageType) != TypeNotification || d.header.Get(HeaderMessageID) != r.MessageID ||
			d.header.Get(HeaderTopicArn) != topic || d.header.Get(HeaderSubscriptionArn) != subArn || f["Message"] != "hello" {
			t.Errorf("notification %v %s", d.header, d.body)
		}
		verify(t, f)
	case <-time.After(10 * time.Second):
		t.Fatal("no notification")
	}

	// A failing endpoint: retries, then the dead-letter queue.
	var n int // notifications attempted
	var nmu sync.Mutex
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(HeaderMessageType) == TypeNotification {
			nmu.Lock()
			n++
			nmu.Unlock()
		}
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer failing.Close()
	fa, err := e.svc.Subscribe(ctx, topic, "http", failing.URL, map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + queueArn + `dlq"}`}, true)
	if err != nil {
		t.Fatal(err)
	}
	// Confirm through the API with the token it was sent.
	deadline := time.Now().Add(10 * time.Second)
	for {
		e.svc.mu.RLock()
		tok := e.svc.subs[fa].Token
		e.svc.mu.RUnlock()
		if _, err := e.svc.ConfirmSubscription(ctx, topic, tok, true); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("could not confirm")
		}
	}
	if _, err := e.svc.ConfirmSubscription(ctx, topic, "bad", false); code(err) != CodeInvalidParameter {
		t.Errorf("bad token: %v", err)
	}
	if _, err := e.svc.Publish(ctx, topic, PublishInput{Message: "doomed"}); err != nil {
		t.Fatal(err)
	}
	<-got // the good endpoint's copy
	for deadline := time.Now().Add(10 * time.Second); len(e.q.get("dlq")) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("nothing in the dead-letter queue")
		}
		time.Sleep(5 * time.Millisecond)
	}
	nmu.Lock()
	if n != 1+httpImmediateRetries+httpBackoffRetries {
		t.Errorf("%d attempts, want %d", n, 1+httpImmediateRetries+httpBackoffRetries)
	}
	nmu.Unlock()
	if f := stringFields(t, []byte(e.q.get("dlq")[0].Body)); f["Message"] != "doomed" || f["Type"] != "Notification" {
		t.Errorf("dead letter %s", e.q.get("dlq")[0].Body)
	}

	// Unsubscribing sends an UnsubscribeConfirmation.
	if err := e.svc.Unsubscribe(ctx, subArn); err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-got:
		if d.header.Get(HeaderMessageType) != TypeUnsubscribeConfirmation {
			t.Errorf("after Unsubscribe: %v %s", d.header, d.body)
		}
		verify(t, stringFields(t, d.body))
	case <-time.After(10 * time.Second):
		t.Fatal("no UnsubscribeConfirmation")
	}
}

// TestDeadLetterSQS sends what a missing queue or function cannot take to
// the subscription's dead-letter queue.
func TestDeadLetterSQS(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	topic := mustTopic(t, e.svc, "t", nil)
	rp := map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + queueArn + `dlq"}`}
	mustSub(t, e.svc, topic, "sqs", queueArn+"missing-q", rp)
	mustSub(t, e.svc, topic, "lambda", lambdaArn+"missing-f", rp)
	mustSub(t, e.svc, topic, "sqs", queueArn+"missing-nodlq", nil)
	if _, err := e.svc.Publish(ctx, topic, PublishInput{Message: "m"}); err != nil {
		t.Fatal(err)
	}
	if got := e.q.get("dlq"); len(got) != 2 {
		t.Errorf("dead letters: %+v", got)
	}
}
