package awsapi

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/golden"
	"golang.org/x/tools/txtar"
)

// volatile are the parts of a response that change from run to run.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`<RequestId>[^<]*</RequestId>`), "<RequestId>REQUEST-ID</RequestId>"},
	{regexp.MustCompile(`<MessageId>[^<]*</MessageId>`), "<MessageId>MESSAGE-ID</MessageId>"},
	{regexp.MustCompile(`<ReceiptHandle>[^<]*</ReceiptHandle>`), "<ReceiptHandle>HANDLE</ReceiptHandle>"},
	{regexp.MustCompile(`<Value>1[0-9]{9}([0-9]{3})?</Value>`), "<Value>TIMESTAMP</Value>"},
	{regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`), "http://HOST"},
}

var handleRE = regexp.MustCompile(`<ReceiptHandle>([^<]*)</ReceiptHandle>`)

// TestSQSQuery runs the query protocol's golden files: each holds form
// posts, one a line ("/PATH FORM" posts to PATH; $HANDLE is the last
// receipt handle received), and the responses, status and body.
func TestSQSQuery(t *testing.T) {
	golden.Run(t, "sqs", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		srv, _ := newSQS(t)
		reqs, _ := golden.Section(a, "requests")
		var out strings.Builder
		handle := ""
		sc := bufio.NewScanner(strings.NewReader(reqs))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			path := "/"
			if strings.HasPrefix(line, "/") {
				path, line, _ = strings.Cut(line, " ")
			}
			line = strings.ReplaceAll(line, "$HANDLE", url.QueryEscape(handle))
			r, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(line))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			sign(t, r, testIdentities.Admin(), "sqs", line)
			resp, err := srv.Client().Do(r)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if m := handleRE.FindSubmatch(body); m != nil {
				handle = string(m[1])
			}
			s := string(body)
			for _, v := range volatile {
				s = v.re.ReplaceAllString(s, v.with)
			}
			out.WriteString("> " + sc.Text() + "\n" + resp.Status + " " + resp.Header.Get("Content-Type") + "\n" + s + "\n\n")
		}
		return "responses", out.String()
	})
}

// TestSQSJSONError: the JSON protocol's error is SQS's: the namespaced
// __type, and the query code in X-Amzn-Query-Error for query-compatible
// SDKs.
func TestSQSJSONError(t *testing.T) {
	srv, _ := newSQS(t)
	body := `{"QueueUrl":"http://x/000000000000/none","MessageBody":"x"}`
	r, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.0")
	r.Header.Set(HeaderTarget, "AmazonSQS.SendMessage")
	sign(t, r, testIdentities.Admin(), "sqs", body)
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	json.NewDecoder(resp.Body).Decode(&e)
	if resp.StatusCode != 400 || e.Type != "com.amazonaws.sqs#QueueDoesNotExist" || e.Message != "The specified queue does not exist." ||
		resp.Header.Get("X-Amzn-Query-Error") != "AWS.SimpleQueueService.NonExistentQueue;Sender" {
		t.Errorf("%d %+v %v", resp.StatusCode, e, resp.Header)
	}
	_ = context.Background
}
