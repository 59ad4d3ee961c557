package cli

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/verge-edge/verge/internal/awsclient"
	"github.com/verge-edge/verge/internal/identity"
)

const talkStack = `resources:
  talk:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/talk.js}}
`

const talkJS = `exports.handler = async (event) => { console.log("said " + event.say); return {}; };
`

// awsCLIs are the AWS CLIs on this machine, each once: the one on PATH
// and Debian's. AWS CLI v1 (pip) has `logs start-live-tail`, v2 (Debian's
// 2.9) `logs tail`, which polls FilterLogEvents.
func awsCLIs() []string {
	var out []string
	for _, name := range []string{"aws", "/usr/bin/aws"} {
		p, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		dup := false
		for _, o := range out {
			dup = dup || o == p
		}
		if !dup {
			out = append(out, name)
		}
	}
	return out
}

// TestAWSCLILogsTail: `aws logs start-live-tail` and `aws logs tail
// --follow` against a running Verge print a function's line written after
// they started. Skipped without an AWS CLI.
func TestAWSCLILogsTail(t *testing.T) {
	clis := awsCLIs()
	if len(clis) == 0 {
		t.Skip("no aws CLI (apt-get install awscli)")
	}
	dir := stackDir(t, talkStack)
	must(t, os.MkdirAll(filepath.Join(dir, "fn"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "fn", "talk.js"), []byte(talkJS), 0o644))
	v := start(t, "dev", dir)
	invoke := func(say string) {
		t.Helper()
		if code, _, stderr := v.run(t, "invoke", "talk", "--payload", `{"say":"`+say+`"}`); code != 0 {
			t.Fatalf("invoke: %d %s", code, stderr)
		}
	}
	invoke("first") // the group exists from the first line
	env := append(os.Environ(),
		"AWS_ACCESS_KEY_ID="+identity.AdminAccessKeyID, "AWS_SECRET_ACCESS_KEY="+v.token, "AWS_SESSION_TOKEN=",
		"AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=",
		// StartLiveTail goes to "stream-" + the endpoint's host otherwise.
		"AWS_DISABLE_HOST_PREFIX_INJECTION=true")

	ran := 0
	for _, cli := range clis {
		for _, args := range [][]string{
			{"logs", "start-live-tail", "--log-group-identifiers", "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/talk"},
			{"logs", "tail", "/aws/lambda/talk", "--follow", "--since", "1m", "--format", "short"},
		} {
			name := cli + " " + args[1]
			ctx, cancel := context.WithCancel(context.Background())
			cmd := exec.CommandContext(ctx, cli, append([]string{"--endpoint-url", "http://" + v.admin}, args...)...)
			cmd.Env = env
			out := &lockedBuffer{}
			cmd.Stdout, cmd.Stderr = out, out
			must(t, cmd.Start())
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			// A line written after the command started arrives; the
			// poller (every 5 s) takes a few tries.
			var markers []string
			sawMarker := func() string {
				for _, m := range markers {
					if strings.Contains(out.String(), "said "+m) {
						return m
					}
				}
				return ""
			}
			deadline := time.Now().Add(40 * time.Second)
			for i := 0; ; i++ {
				select {
				case <-done:
				case <-time.After(time.Second):
				}
				if o := out.String(); strings.Contains(o, "Invalid choice") || strings.Contains(o, "invalid choice") {
					t.Logf("%s: not in this CLI", name)
					break
				}
				if m := sawMarker(); m != "" {
					t.Logf("%s: got %q", name, "said "+m)
					ran++
					break
				}
				if time.Now().After(deadline) || isDone(done) {
					t.Errorf("%s: none of %q in:\n%s", name, markers, out.String())
					break
				}
				if i%5 == 0 {
					markers = append(markers, "m"+strconv.Itoa(i))
					invoke(markers[len(markers)-1])
				}
			}
			cancel()
			<-done
		}
	}
	if ran == 0 {
		t.Skipf("no AWS CLI here has logs tail or start-live-tail (%v)", clis)
	}
}

func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// TestLogsSDKEndToEnd: the AWS SDK for Go v2 against a running Verge
// reads a function's lines (FilterLogEvents) and receives one printed
// after its StartLiveTail session began.
func TestLogsSDKEndToEnd(t *testing.T) {
	dir := stackDir(t, talkStack)
	must(t, os.MkdirAll(filepath.Join(dir, "fn"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "fn", "talk.js"), []byte(talkJS), 0o644))
	v := start(t, "dev", dir)
	invoke := func(say string) {
		t.Helper()
		if code, _, stderr := v.run(t, "invoke", "talk", "--payload", `{"say":"`+say+`"}`); code != 0 {
			t.Fatalf("invoke: %d %s", code, stderr)
		}
	}
	invoke("first")
	cl := cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + v.admin),
		Credentials: credentials.NewStaticCredentialsProvider(identity.AdminAccessKeyID, v.token, ""), RetryMaxAttempts: 1,
		HTTPClient: awsclient.OwnBodies{Client: &http.Client{}}}, awsclient.NoHostPrefix)
	ctx := context.Background()
	out, err := cl.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/talk"), FilterPattern: aws.String(`"said first"`)})
	if err != nil || len(out.Events) != 1 {
		t.Fatalf("FilterLogEvents: %+v %v", out, err)
	}

	lt, err := cl.StartLiveTail(ctx, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{"arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/talk"}})
	if err != nil {
		t.Fatal(err)
	}
	stream := lt.GetStream()
	defer stream.Close()
	if _, ok := (<-stream.Events()).(*cwtypes.StartLiveTailResponseStreamMemberSessionStart); !ok {
		t.Fatalf("no sessionStart: %v", stream.Err())
	}
	invoke("live")
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev, ok := <-stream.Events():
			if !ok {
				t.Fatalf("stream ended: %v", stream.Err())
			}
			if up, ok := ev.(*cwtypes.StartLiveTailResponseStreamMemberSessionUpdate); ok {
				for _, r := range up.Value.SessionResults {
					if strings.Contains(aws.ToString(r.Message), "said live") {
						return
					}
				}
			}
		case <-deadline:
			t.Fatal(`no "said live" in the session`)
		}
	}
}
