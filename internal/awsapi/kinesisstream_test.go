package awsapi

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awskinesis "github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/fxamacker/cbor/v2"
	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/kinesis"
)

// protoRecorder is a transport that records the protocol of its responses.
type protoRecorder struct {
	http.RoundTripper
	protos chan string
}

func (p protoRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := p.RoundTripper.RoundTrip(r)
	if err == nil {
		select {
		case p.protos <- resp.Proto:
		default:
		}
	}
	return resp, err
}

// activeConsumer registers consumer name of stream and waits until it is
// ACTIVE; it returns its ARN.
func activeConsumer(t *testing.T, c *awskinesis.Client, stream, name string) string {
	t.Helper()
	ctx := context.Background()
	reg := of(c.RegisterStreamConsumer(ctx, &awskinesis.RegisterStreamConsumerInput{StreamARN: aws.String(arn.Stream(stream)), ConsumerName: &name})).must(t).Consumer
	for range 100 {
		d := of(c.DescribeStreamConsumer(ctx, &awskinesis.DescribeStreamConsumerInput{ConsumerARN: reg.ConsumerARN})).must(t).ConsumerDescription
		if d.ConsumerStatus == types.ConsumerStatusActive {
			return aws.ToString(reg.ConsumerARN)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the consumer did not become ACTIVE")
	return ""
}

// TestKinesisSubscribeH2C: the SDK subscribes over unencrypted HTTP/2
// (prior knowledge), as AWS serves SubscribeToShard, and gets its events.
func TestKinesisSubscribeH2C(t *testing.T) {
	e := newKinesis(t, kinesis.Options{})
	ctx := context.Background()
	of(e.c.CreateStream(ctx, &awskinesis.CreateStreamInput{StreamName: aws.String("h2"), ShardCount: aws.Int32(1)})).must(t)
	consumer := activeConsumer(t, e.c, "h2", "app")
	of(e.c.PutRecord(ctx, &awskinesis.PutRecordInput{StreamName: aws.String("h2"), Data: []byte("before"), PartitionKey: aws.String("p")})).must(t)

	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	tr := &http.Transport{Protocols: &p}
	defer tr.CloseIdleConnections()
	rec := protoRecorder{tr, make(chan string, 1)}
	h2 := awskinesis.New(awskinesis.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", testToken, ""), HTTPClient: &http.Client{Transport: rec}})
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	sub, err := h2.SubscribeToShard(sctx, &awskinesis.SubscribeToShardInput{ConsumerARN: &consumer, ShardId: aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon}})
	if err != nil {
		t.Fatal(err)
	}
	stream := sub.GetStream()
	defer stream.Close()
	if proto := <-rec.protos; proto != "HTTP/2.0" {
		t.Errorf("subscribed over %s", proto)
	}
	for ev := range stream.Events() {
		se := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
		if len(se.Value.Records) == 0 {
			continue
		}
		if string(se.Value.Records[0].Data) != "before" {
			t.Errorf("first record %q", se.Value.Records[0].Data)
		}
		break
	}
	// Deleting the stream ends the subscription with an exception message.
	of(e.c.DeleteStream(ctx, &awskinesis.DeleteStreamInput{StreamName: aws.String("h2"), EnforceConsumerDeletion: aws.Bool(true)})).must(t)
	for range stream.Events() {
	}
	var nf *types.ResourceNotFoundException
	if err := stream.Err(); !errors.As(err, &nf) {
		t.Errorf("the stream ended with %v, not ResourceNotFoundException", err)
	}
}

// TestKinesisSubscribeCBOR: a CBOR SubscribeToShard gets an event stream
// whose payloads are CBOR, blobs as byte strings.
func TestKinesisSubscribeCBOR(t *testing.T) {
	e := newKinesis(t, kinesis.Options{})
	ctx := context.Background()
	of(e.c.CreateStream(ctx, &awskinesis.CreateStreamInput{StreamName: aws.String("cb"), ShardCount: aws.Int32(1)})).must(t)
	consumer := activeConsumer(t, e.c, "cb", "java")
	of(e.c.PutRecord(ctx, &awskinesis.PutRecordInput{StreamName: aws.String("cb"), Data: []byte{0xca, 0xfe}, PartitionKey: aws.String("p")})).must(t)

	body, _ := cbor.Marshal(map[string]any{"ConsumerARN": consumer, "ShardId": "shardId-000000000000",
		"StartingPosition": map[string]any{"Type": "TRIM_HORIZON"}})
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	r, _ := http.NewRequestWithContext(sctx, http.MethodPost, e.srv.URL+"/", bytes.NewReader(body))
	r.Header.Set("Content-Type", contentCBOR)
	r.Header.Set(HeaderTarget, kinesisTarget+"SubscribeToShard")
	sign(t, r, testIdentities.Admin(), "kinesis", string(body))
	resp, err := e.srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != contentEventStream {
		t.Fatalf("status %d, %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	dec := eventstream.NewDecoder()
	first, err := dec.Decode(resp.Body, nil)
	if err != nil || first.Headers.Get(esEventType).String() != esInitialResponse {
		t.Fatalf("first message: %v %v", first.Headers, err)
	}
	for {
		m, err := dec.Decode(resp.Body, nil)
		if err != nil {
			t.Fatal(err)
		}
		if m.Headers.Get(esEventType).String() != eventSubscribeToShard || m.Headers.Get(esContentType).String() != contentCBOR {
			t.Fatalf("headers %v", m.Headers)
		}
		var ev struct {
			Records []struct {
				Data []byte `cbor:"Data"`
			} `cbor:"Records"`
			ContinuationSequenceNumber string `cbor:"ContinuationSequenceNumber"`
		}
		if err := cborDec.Unmarshal(m.Payload, &ev); err != nil {
			t.Fatalf("payload % x: %v", m.Payload, err)
		}
		if len(ev.Records) > 0 {
			if !bytes.Equal(ev.Records[0].Data, []byte{0xca, 0xfe}) || ev.ContinuationSequenceNumber == "" {
				t.Errorf("event %+v", ev)
			}
			return
		}
	}
}
