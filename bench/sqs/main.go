// Command sqs measures Verge's SQS API side by side with its floor in one
// run: SendMessage through the AWS SDK for Go v2 (JSON 1.0), the same
// through the query protocol (signed form posts), ReceiveMessage +
// DeleteMessageBatch, and a bare net/http handler answering a fixed
// SendMessage response to the same SDK client (the least a call can
// cost). Everything runs on loopback with signatures verified.
//
//	go run ./bench/sqs [-c 8] [-d 5s] [-cpuprofile cpu.out]
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/verge-edge/verge/bench/internal/load"
	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/sqs"
)

func main() {
	conc := flag.Int("c", 8, "concurrent callers")
	dur := flag.Duration("d", 5*time.Second, "how long each run lasts")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (clients and server) to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(*conc, *dur); err != nil {
		pprof.StopCPUProfile()
		log.Fatal(err)
	}
}

const token = "bench-token"

func run(conc int, dur time.Duration) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "verge-bench-sqs-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b, err := broker.Open(ctx, broker.Options{Dir: dir})
	if err != nil {
		return err
	}
	defer b.Close()
	q, err := sqs.New(ctx, sqs.Options{JetStream: b.JetStream()})
	if err != nil {
		return err
	}
	defer q.Close()
	ids := identity.New([]byte("0123456789abcdef0123456789abcdef"), token)
	base, stop, err := load.Serve(awsapi.New(awsapi.Options{Identities: ids}, awsapi.SQS(awsapi.Fixed(q))))
	if err != nil {
		return err
	}
	defer stop()
	floor, stopFloor, err := load.Serve(http.HandlerFunc(fixedSend))
	if err != nil {
		return err
	}
	defer stopFloor()

	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	client := func(base string) *awssqs.Client {
		return awssqs.New(awssqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(base),
			Credentials: credentials.NewStaticCredentialsProvider("AKID", token, ""), HTTPClient: hc})
	}
	c := client(base)
	for _, name := range []string{"send", "query", "drain"} {
		if err := q.CreateQueue(ctx, name, nil, nil); err != nil {
			return err
		}
	}
	sendTo := func(c *awssqs.Client, queue string) func() (int, error) {
		u := aws.String(base + "/000000000000/" + queue)
		return func() (int, error) {
			_, err := c.SendMessage(ctx, &awssqs.SendMessageInput{QueueUrl: u, MessageBody: aws.String("hello")})
			return 1, err
		}
	}
	floorRate, err := load.Rate(sendTo(client(floor), "send"), conc, dur)
	if err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	sendRate, err := load.Rate(sendTo(c, "send"), conc, dur)
	if err != nil {
		return fmt.Errorf("SendMessage: %w", err)
	}
	queryRate, err := load.Rate(querySend(hc, base+"/000000000000/query"), conc, dur)
	if err != nil {
		return fmt.Errorf("query SendMessage: %w", err)
	}
	// Without the SDK's client-side cost: raw signed JSON posts, to Verge
	// and to the fixed handler.
	rawRate, err := load.Rate(jsonSend(hc, base, base+"/000000000000/send"), conc, dur)
	if err != nil {
		return fmt.Errorf("raw SendMessage: %w", err)
	}
	rawFloor, err := load.Rate(jsonSend(hc, floor, base+"/000000000000/send"), conc, dur)
	if err != nil {
		return fmt.Errorf("raw floor: %w", err)
	}
	// Fill the drain queue with more than the run can take.
	need := int(sendRate*dur.Seconds()) * 2
	if err := load.FillQueue(ctx, c, base+"/000000000000/drain", need, conc); err != nil {
		return err
	}
	drainURL := aws.String(base + "/000000000000/drain")
	drainRate, err := load.Rate(func() (int, error) {
		r, err := c.ReceiveMessage(ctx, &awssqs.ReceiveMessageInput{QueueUrl: drainURL, MaxNumberOfMessages: 10})
		if err != nil || len(r.Messages) == 0 {
			return 0, err
		}
		var del []types.DeleteMessageBatchRequestEntry
		for i, m := range r.Messages {
			del = append(del, types.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), ReceiptHandle: m.ReceiptHandle})
		}
		out, err := c.DeleteMessageBatch(ctx, &awssqs.DeleteMessageBatchInput{QueueUrl: drainURL, Entries: del})
		if err == nil && len(out.Failed) > 0 {
			err = fmt.Errorf("delete failed: %s", aws.ToString(out.Failed[0].Message))
		}
		return len(r.Messages), err
	}, conc, dur)
	if err != nil {
		return fmt.Errorf("receive+delete: %w", err)
	}
	fmt.Printf("| what (%d callers, SDK for Go v2, loopback) | Verge | floor: net/http fixed SendMessage | ratio | target |\n|---|---|---|---|---|\n", conc)
	fmt.Printf("| SendMessage (JSON 1.0) | %.0f/s | %.0f/s | %.2fx | ≥ 10,000/s |\n", sendRate, floorRate, floorRate/sendRate)
	fmt.Printf("| SendMessage (query, signed form posts) | %.0f/s | %.0f/s | %.2fx | |\n", queryRate, floorRate, floorRate/queryRate)
	fmt.Printf("| SendMessage (JSON 1.0, raw signed posts, no SDK) | %.0f/s | %.0f/s (raw posts) | %.2fx | |\n", rawRate, rawFloor, rawFloor/rawRate)
	fmt.Printf("| ReceiveMessage(10) + DeleteMessageBatch | %.0f msg/s | | | ≥ 5,000 msg/s |\n", drainRate)
	return nil
}

// querySend is a SendMessage through the query protocol: a signed form
// post, as aws-sdk-go v1 sends it.
func querySend(hc *http.Client, queueURL string) func() (int, error) {
	form := url.Values{"Action": {"SendMessage"}, "Version": {"2012-11-05"}, "QueueUrl": {queueURL}, "MessageBody": {"hello"}}.Encode()
	base := queueURL[:strings.Index(queueURL[len("http://"):], "/")+len("http://")]
	return signedSend(hc, base, form, http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}})
}

// jsonSend is a SendMessage as a signed JSON 1.0 post to base, without
// the SDK.
func jsonSend(hc *http.Client, base, queueURL string) func() (int, error) {
	body := `{"QueueUrl":"` + queueURL + `","MessageBody":"hello"}`
	return signedSend(hc, base, body, http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amz-Target": {"AmazonSQS.SendMessage"}})
}

// signedSend is a post of body with headers h to base, signed for sqs
// afresh each call, that must be answered 200.
func signedSend(hc *http.Client, base, body string, h http.Header) func() (int, error) {
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: token}
	return func() (int, error) {
		r, _ := http.NewRequest("POST", base+"/", strings.NewReader(body))
		maps.Copy(r.Header, h)
		if err := signer.SignHTTP(context.Background(), creds, r, hash, "sqs", "us-east-1", time.Now()); err != nil {
			return 0, err
		}
		resp, err := hc.Do(r)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("SendMessage: %s", resp.Status)
		}
		return 1, nil
	}
}

// fixedSend is the floor: a SendMessage answer the SDK accepts, fixed.
func fixedSend(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	const body = `{"MD5OfMessageBody":"5d41402abc4b2a76b9719d911017c592","MessageId":"6c9b7b6b-7d5e-4d5a-9a7e-2f7c2d9b8e1a"}`
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-RequestId", "00000000-0000-0000-0000-000000000000")
	io.WriteString(w, body)
}
