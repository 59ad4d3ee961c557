package awsapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
	"github.com/verge-edge/verge/internal/awsclient"
	"github.com/verge-edge/verge/internal/logs"
)

const (
	appGroup  = "/custom/app"
	appStream = "web-1"
)

// mustCreate makes appGroup and its stream appStream.
func mustCreate(t *testing.T, cl *cloudwatchlogs.Client) {
	t.Helper()
	ctx := context.Background()
	if _, err := cl.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(appGroup),
		Tags: map[string]string{"team": "web"}, KmsKeyId: aws.String("arn:aws:kms:us-east-1:000000000000:key/k")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String(appStream)}); err != nil {
		t.Fatal(err)
	}
}

func inputEvents(at time.Time, msgs ...string) []cwtypes.InputLogEvent {
	evs := make([]cwtypes.InputLogEvent, len(msgs))
	for i, m := range msgs {
		evs[i] = cwtypes.InputLogEvent{Timestamp: aws.Int64(at.Add(time.Duration(i) * time.Millisecond).UnixMilli()), Message: aws.String(m)}
	}
	return evs
}

// appEvents reads appStream from its start: the answer and its messages.
func appEvents(t *testing.T, cl *cloudwatchlogs.Client) (*cloudwatchlogs.GetLogEventsOutput, []string) {
	t.Helper()
	got, err := cl.GetLogEvents(context.Background(), &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(appGroup),
		LogStreamName: aws.String(appStream), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, ev := range got.Events {
		msgs = append(msgs, *ev.Message)
	}
	return got, msgs
}

func streamNames(out *cloudwatchlogs.DescribeLogStreamsOutput) []string {
	var names []string
	for _, s := range out.LogStreams {
		names = append(names, *s.LogStreamName)
	}
	return names
}

// TestLogsAPILifecycle drives a group made through the API from creation
// to deletion with the SDK: an empty stream is listed, PutLogEvents'
// events are read back by GetLogEvents, FilterLogEvents and
// DescribeLogStreams, retention shows in DescribeLogGroups.
func TestLogsAPILifecycle(t *testing.T) {
	e := newLogsEndpoint(t, LogsOptions{})
	cl, ctx := e.client(), context.Background()
	before := time.Now().Add(-time.Second)
	mustCreate(t, cl)

	ds, err := cl.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(appGroup)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.LogStreams) != 1 {
		t.Fatalf("streams %v, want [%s]", streamNames(ds), appStream)
	}
	s := ds.LogStreams[0]
	if *s.LogStreamName != appStream || s.FirstEventTimestamp != nil || s.LastIngestionTime != nil || aws.ToInt64(s.CreationTime) < before.UnixMilli() ||
		*s.Arn != "arn:aws:logs:us-east-1:000000000000:log-group:/custom/app:log-stream:web-1" {
		t.Errorf("empty stream %+v", s)
	}

	empty, err := cl.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String(appStream)})
	if err != nil || len(empty.Events) != 0 {
		t.Errorf("GetLogEvents of the empty stream: %v %+v", err, empty)
	}

	at := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	put, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String(appStream),
		SequenceToken: aws.String("anything"), LogEvents: inputEvents(at, "GET /a 200", "GET /b 500", "héllo")})
	if err != nil {
		t.Fatal(err)
	}
	if put.RejectedLogEventsInfo != nil || len(aws.ToString(put.NextSequenceToken)) != sequenceTokenSize {
		t.Errorf("PutLogEvents: rejected %+v, token %q", put.RejectedLogEventsInfo, aws.ToString(put.NextSequenceToken))
	}

	got, msgs := appEvents(t, cl)
	if want := []string{"GET /a 200", "GET /b 500", "héllo"}; !slices.Equal(msgs, want) || *got.Events[0].Timestamp != at.UnixMilli() {
		t.Errorf("GetLogEvents %v (first at %d), want %v at %d", msgs, *got.Events[0].Timestamp, want, at.UnixMilli())
	}
	fl, err := cl.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(appGroup), FilterPattern: aws.String("500")})
	if err != nil {
		t.Fatal(err)
	}
	if len(fl.Events) != 1 || *fl.Events[0].Message != "GET /b 500" || *fl.Events[0].LogStreamName != appStream {
		t.Errorf("FilterLogEvents %+v", fl.Events)
	}

	ds, err = cl.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(appGroup)})
	if err != nil {
		t.Fatal(err)
	}
	s = ds.LogStreams[0]
	if aws.ToInt64(s.FirstEventTimestamp) != at.UnixMilli() || aws.ToInt64(s.LastEventTimestamp) != at.UnixMilli()+2 ||
		aws.ToInt64(s.LastIngestionTime) < before.UnixMilli() || aws.ToInt64(s.LastIngestionTime) < at.UnixMilli()+2 {
		t.Errorf("stream after PutLogEvents %+v", s)
	}

	if _, err := cl.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(appGroup), RetentionInDays: aws.Int32(30)}); err != nil {
		t.Fatal(err)
	}
	g := describeGroup(t, cl, appGroup)
	if aws.ToInt32(g.RetentionInDays) != 30 || aws.ToInt64(g.CreationTime) < before.UnixMilli() || *g.LogGroupArn != "arn:aws:logs:us-east-1:000000000000:log-group:/custom/app" {
		t.Errorf("group %+v", g)
	}
	if _, err := cl.DeleteRetentionPolicy(ctx, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: aws.String(appGroup)}); err != nil {
		t.Fatal(err)
	}
	if g := describeGroup(t, cl, appGroup); g.RetentionInDays != nil {
		t.Errorf("retention %d after DeleteRetentionPolicy", *g.RetentionInDays)
	}

	// A second stream, then deleting the first takes its events only.
	if _, err := cl.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String("web-2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String("web-2"), LogEvents: inputEvents(at, "two")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.DeleteLogStream(ctx, &cloudwatchlogs.DeleteLogStreamInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String(appStream)}); err != nil {
		t.Fatal(err)
	}
	fl, err = cl.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(appGroup)})
	if err != nil {
		t.Fatal(err)
	}
	if len(fl.Events) != 1 || *fl.Events[0].Message != "two" {
		t.Errorf("events after DeleteLogStream %+v", fl.Events)
	}
	ds, err = cl.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(appGroup)})
	if err != nil {
		t.Fatal(err)
	}
	if names := streamNames(ds); !slices.Equal(names, []string{"web-2"}) {
		t.Errorf("streams after DeleteLogStream %v", names)
	}
	_, err = cl.DeleteLogStream(ctx, &cloudwatchlogs.DeleteLogStreamInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String(appStream)})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")

	if _, err := cl.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(appGroup)}); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(e.store.Groups(), appGroup) {
		t.Errorf("groups after DeleteLogGroup: %v", e.store.Groups())
	}
	_, err = cl.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(appGroup)})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	// The name is free again, and the new group starts empty.
	mustCreate(t, cl)
	fl, err = cl.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(appGroup)})
	if err != nil || len(fl.Events) != 0 {
		t.Errorf("recreated group: %v %+v", err, fl.Events)
	}
}

// wantAPIError checks an error's exception name and message.
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code || ae.ErrorMessage() != msg {
		t.Errorf("error %v, want %s: %s", err, code, msg)
	}
}

func describeGroup(t *testing.T, cl *cloudwatchlogs.Client, name string) cwtypes.LogGroup {
	t.Helper()
	out, err := cl.DescribeLogGroups(context.Background(), &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range out.LogGroups {
		if *g.LogGroupName == name {
			return g
		}
	}
	t.Fatalf("no group %s", name)
	return cwtypes.LogGroup{}
}

// logsRaw sends a signed CloudWatch Logs request with a JSON body as is,
// for the members the SDKs refuse to leave out; it returns the status and
// the body.
func logsRaw(t *testing.T, e *logsEndpoint, op, body string) (int, string) {
	t.Helper()
	r, _ := http.NewRequest("POST", e.srv.URL+"/", strings.NewReader(body))
	r.Header.Set("X-Amz-Target", logsTarget+op)
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	sign(t, r, testIdentities.Admin(), "logs", body)
	resp, err := e.srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestLogsAPIErrors: every validation and resource error of the new
// operations, with AWS's exception names and messages, through the SDK.
func TestLogsAPIErrors(t *testing.T) {
	e := newLogsEndpoint(t, LogsOptions{})
	cl, ctx := e.client(), context.Background()
	mustCreate(t, cl)
	now := time.Now()
	long := strings.Repeat("a", 513)
	g, s := aws.String(appGroup), aws.String(appStream)
	nameRE := `Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`
	big := strings.Repeat("x", logs.MaxMessageBytes)
	manyEvents := make([]cwtypes.InputLogEvent, 10001)
	for i := range manyEvents {
		manyEvents[i] = cwtypes.InputLogEvent{Timestamp: aws.Int64(now.UnixMilli()), Message: aws.String("m")}
	}
	var bigBatch []cwtypes.InputLogEvent
	for range 5 {
		bigBatch = append(bigBatch, cwtypes.InputLogEvent{Timestamp: aws.Int64(now.UnixMilli()), Message: aws.String(big[:250000])})
	}
	for _, c := range []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"group exists", func() error {
			_, err := cl.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: g})
			return err
		}, "ResourceAlreadyExistsException", "The specified log group already exists"},
		{"group name pattern", func() error {
			_, err := cl.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("a b")})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: " + nameRE},
		{"group name empty", func() error {
			_, err := cl.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("")})
			return err
		}, "InvalidParameterException", "2 validation errors detected: Value '' at 'logGroupName' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'logGroupName' failed to satisfy constraint: " + nameRE},
		{"group name long", func() error {
			_, err := cl.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(long)})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value '" + long + "' at 'logGroupName' failed to satisfy constraint: Member must have length less than or equal to 512"},
		{"group class", func() error {
			_, err := cl.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/x"), LogGroupClass: "COLD"})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value 'COLD' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]"},
		{"tag key", func() error {
			_, err := cl.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/x"), Tags: map[string]string{"a*b": "v"}})
			return err
		}, "InvalidParameterException", `1 validation error detected: Value at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$]`},
		{"delete unknown group", func() error {
			_, err := cl.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/nope")})
			return err
		}, "ResourceNotFoundException", "The specified log group does not exist."},
		{"stream exists", func() error {
			_, err := cl.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: g, LogStreamName: s})
			return err
		}, "ResourceAlreadyExistsException", "The specified log stream already exists"},
		{"stream in unknown group", func() error {
			_, err := cl.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/nope"), LogStreamName: s})
			return err
		}, "ResourceNotFoundException", "The specified log group does not exist."},
		{"stream name colon", func() error {
			_, err := cl.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: g, LogStreamName: aws.String("a:b")})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value 'a:b' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*"},
		{"stream name star", func() error {
			_, err := cl.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: g, LogStreamName: aws.String("a*")})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value 'a*' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*"},
		{"delete unknown stream", func() error {
			_, err := cl.DeleteLogStream(ctx, &cloudwatchlogs.DeleteLogStreamInput{LogGroupName: g, LogStreamName: aws.String("nope")})
			return err
		}, "ResourceNotFoundException", "The specified log stream does not exist."},
		{"retention value", func() error {
			_, err := cl.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: g, RetentionInDays: aws.Int32(2)})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]"},
		{"retention unknown group", func() error {
			_, err := cl.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("/nope"), RetentionInDays: aws.Int32(1)})
			return err
		}, "ResourceNotFoundException", "The specified log group does not exist."},
		{"delete retention unknown group", func() error {
			_, err := cl.DeleteRetentionPolicy(ctx, &cloudwatchlogs.DeleteRetentionPolicyInput{LogGroupName: aws.String("/nope")})
			return err
		}, "ResourceNotFoundException", "The specified log group does not exist."},
		{"put unknown group", func() error {
			_, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/nope"), LogStreamName: s, LogEvents: inputEvents(now, "m")})
			return err
		}, "ResourceNotFoundException", "The specified log group does not exist."},
		{"put unknown stream", func() error {
			_, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: g, LogStreamName: aws.String("nope"), LogEvents: inputEvents(now, "m")})
			return err
		}, "ResourceNotFoundException", "The specified log stream does not exist."},
		{"put out of order", func() error {
			evs := append(inputEvents(now, "b"), inputEvents(now.Add(-time.Second), "a")...)
			_, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: evs})
			return err
		}, "InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order."},
		{"put span", func() error {
			evs := append(inputEvents(now.Add(-25*time.Hour), "a"), inputEvents(now, "b")...)
			_, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: evs})
			return err
		}, "InvalidParameterException", "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."},
		{"put empty message", func() error {
			_, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: inputEvents(now, "a", "")})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value '' at 'logEvents.2.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"put no events", func() error {
			_, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: []cwtypes.InputLogEvent{}})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"put too many", func() error {
			_, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: manyEvents})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000"},
		{"put event too large", func() error {
			_, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: inputEvents(now, big)})
			return err
		}, "InvalidParameterException", "Log event too large: 1048602 bytes exceeds limit of 1048576"},
		{"put batch too large", func() error {
			_, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: g, LogStreamName: s, LogEvents: bigBatch})
			return err
		}, "InvalidParameterException", "Upload too large: 1250130 bytes exceeds limit of 1048576"},
		{"filter pattern", func() error {
			_, err := cl.TestMetricFilter(ctx, &cloudwatchlogs.TestMetricFilterInput{FilterPattern: aws.String(`"unclosed`), LogEventMessages: []string{"a"}})
			return err
		}, "InvalidParameterException", ""},
		{"filter no messages", func() error {
			_, err := cl.TestMetricFilter(ctx, &cloudwatchlogs.TestMetricFilterInput{FilterPattern: aws.String("a"), LogEventMessages: []string{}})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value '[]' at 'logEventMessages' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"filter 51 messages", func() error {
			_, err := cl.TestMetricFilter(ctx, &cloudwatchlogs.TestMetricFilterInput{FilterPattern: aws.String("a"), LogEventMessages: make([]string, 51)})
			return err
		}, "InvalidParameterException", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			if c.msg == "" { // the message is checked elsewhere
				if errorCode(err) != c.code {
					t.Errorf("error %v, want %s", err, c.code)
				}
				return
			}
			wantAPIError(t, err, c.code, c.msg)
		})
	}

	// Members the SDK will not leave out.
	for _, c := range []struct{ op, body, want string }{
		{"CreateLogGroup", `{}`, "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null"},
		{"CreateLogStream", `{"logGroupName":"/custom/app"}`, "1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null"},
		{"PutRetentionPolicy", `{"logGroupName":"/custom/app"}`, "1 validation error detected: Value null at 'retentionInDays' failed to satisfy constraint: Member must not be null"},
		{"PutLogEvents", `{"logGroupName":"/custom/app","logStreamName":"web-1","logEvents":[{"message":"m"}]}`, "1 validation error detected: Value null at 'logEvents.1.member.timestamp' failed to satisfy constraint: Member must not be null"},
		{"TestMetricFilter", `{"logEventMessages":["a"]}`, "1 validation error detected: Value null at 'filterPattern' failed to satisfy constraint: Member must not be null"},
	} {
		status, body := logsRaw(t, e, c.op, c.body)
		if status != http.StatusBadRequest || !strings.Contains(body, `"InvalidParameterException"`) || !strings.Contains(body, c.want) {
			t.Errorf("%s %s: %d %s, want %s", c.op, c.body, status, body, c.want)
		}
	}
}

// TestLogsPutLogEventsRejected: events too new, too old and older than
// the retention are left out and reported by index, the rest stored.
func TestLogsPutLogEventsRejected(t *testing.T) {
	e := newLogsEndpoint(t, LogsOptions{})
	cl, ctx := e.client(), context.Background()
	mustCreate(t, cl)
	now := time.Now()
	put := func(evs []cwtypes.InputLogEvent) *cwtypes.RejectedLogEventsInfo {
		t.Helper()
		out, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String(appStream), LogEvents: evs})
		if err != nil {
			t.Fatal(err)
		}
		return out.RejectedLogEventsInfo
	}
	// Too old (15 days) twice, then fine, then too new (3 h ahead): the
	// span of the stored ones is what counts, not the batch's.
	evs := append(inputEvents(now.Add(-15*24*time.Hour), "old1", "old2"), inputEvents(now, "ok")...)
	evs = append(evs, inputEvents(now.Add(3*time.Hour), "new1", "new2")...)
	rej := put(evs)
	if rej == nil || aws.ToInt32(rej.TooOldLogEventEndIndex) != 2 || aws.ToInt32(rej.TooNewLogEventStartIndex) != 3 || rej.ExpiredLogEventEndIndex != nil {
		t.Errorf("rejected %+v, want too old to 2, too new from 3", rej)
	}
	// With a retention of one day, two days back is expired.
	if _, err := cl.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(appGroup), RetentionInDays: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	rej = put(append(inputEvents(now.Add(-48*time.Hour), "expired"), inputEvents(now, "ok2")...))
	if rej == nil || aws.ToInt32(rej.ExpiredLogEventEndIndex) != 1 || rej.TooOldLogEventEndIndex != nil || rej.TooNewLogEventStartIndex != nil {
		t.Errorf("rejected %+v, want expired to 1", rej)
	}
	_, msgs := appEvents(t, cl)
	if !slices.Equal(msgs, []string{"ok", "ok2"}) {
		t.Errorf("stored %v, want [ok ok2]", msgs)
	}
}

// TestLogsTestMetricFilter: the matching messages, numbered from 1.
func TestLogsTestMetricFilter(t *testing.T) {
	e := newLogsEndpoint(t, LogsOptions{})
	out, err := e.client().TestMetricFilter(context.Background(), &cloudwatchlogs.TestMetricFilterInput{
		FilterPattern:    aws.String(`ERROR -retry`),
		LogEventMessages: []string{"INFO ok", "ERROR boom", "ERROR boom retry", "x ERROR"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range out.Matches {
		got = append(got, strings.Join([]string{string(rune('0' + m.EventNumber)), *m.EventMessage}, " "))
		if m.ExtractedValues == nil {
			t.Errorf("match %d: no extractedValues", m.EventNumber)
		}
	}
	if want := []string{"2 ERROR boom", "4 x ERROR"}; !slices.Equal(got, want) {
		t.Errorf("matches %v, want %v", got, want)
	}
	status, body := logsRaw(t, e, "TestMetricFilter", `{"filterPattern":"\"unclosed","logEventMessages":["a"]}`)
	if status != http.StatusBadRequest || !strings.Contains(body, `"InvalidParameterException"`) || strings.Contains(body, "logs.ParseFilter") {
		t.Errorf("bad pattern: %d %s", status, body)
	}
}

// TestLogsAPIRestart: a group, an empty stream, a stream's events and the
// retention survive closing and reopening the store.
func TestLogsAPIRestart(t *testing.T) {
	dir := t.TempDir()
	serve := func() (*logsEndpoint, func()) {
		store, err := logs.OpenOptions(dir, logs.Options{SweepInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		e := &logsEndpoint{store: store, auth: &authz{}}
		e.srv = httptest.NewServer(New(Options{Identities: testIdentities, Authorizer: e.auth}, Logs(store, LogsOptions{})))
		return e, func() {
			e.srv.Close()
			if err := store.Close(); err != nil {
				t.Error(err)
			}
		}
	}
	e, stop := serve()
	cl, ctx := e.client(), context.Background()
	mustCreate(t, cl)
	if _, err := cl.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/cold"), LogGroupClass: cwtypes.LogGroupClassInfrequentAccess}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String("empty")}); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Minute)
	if _, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String(appStream), LogEvents: inputEvents(at, "kept")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(appGroup), RetentionInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	before, err := cl.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(appGroup)})
	if err != nil {
		t.Fatal(err)
	}
	created := describeGroup(t, cl, appGroup).CreationTime
	stop()
	if m, _ := filepath.Glob(filepath.Join(dir, "*", "streams.json")); len(m) != 1 {
		t.Fatalf("streams files %v, want one", m)
	}

	e, stop = serve()
	defer stop()
	cl = e.client()
	after, err := cl.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(appGroup)})
	if err != nil {
		t.Fatal(err)
	}
	if len(after.LogStreams) != 2 || len(before.LogStreams) != 2 {
		t.Fatalf("streams %v after restart, %v before", streamNames(after), streamNames(before))
	}
	for i := range after.LogStreams {
		b, a := before.LogStreams[i], after.LogStreams[i]
		if *a.LogStreamName != *b.LogStreamName || *a.CreationTime != *b.CreationTime || aws.ToInt64(a.LastIngestionTime) != aws.ToInt64(b.LastIngestionTime) ||
			aws.ToInt64(a.FirstEventTimestamp) != aws.ToInt64(b.FirstEventTimestamp) {
			t.Errorf("stream %d: %+v after restart, %+v before", i, a, b)
		}
	}
	g := describeGroup(t, cl, appGroup)
	if aws.ToInt32(g.RetentionInDays) != 7 || aws.ToInt64(g.CreationTime) != aws.ToInt64(created) || aws.ToInt64(g.StoredBytes) == 0 {
		t.Errorf("group after restart %+v", g)
	}
	if g.LogGroupClass != cwtypes.LogGroupClassStandard || describeGroup(t, cl, "/cold").LogGroupClass != cwtypes.LogGroupClassInfrequentAccess {
		t.Errorf("classes after restart: %s, /cold %s", g.LogGroupClass, describeGroup(t, cl, "/cold").LogGroupClass)
	}
	got, err := cl.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String(appStream)})
	if err != nil || len(got.Events) != 1 || *got.Events[0].Message != "kept" {
		t.Errorf("events after restart: %v %+v", err, got)
	}
}

// TestLogsAPIDenied: a function denied the writes gets AccessDeniedException
// naming the action and the group's or the stream's ARN.
func TestLogsAPIDenied(t *testing.T) {
	e := newLogsEndpoint(t, LogsOptions{})
	mustCreate(t, e.client())
	e.auth.deny = func(r Request) bool { return !r.Identity.IsAdmin() }
	c := testIdentities.Function("echo")
	cl := cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		HTTPClient:  awsclient.OwnBodies{Client: e.srv.Client()}, RetryMaxAttempts: 1})
	ctx := context.Background()
	_, err := cl.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/other")})
	if errorCode(err) != "AccessDeniedException" || !strings.Contains(err.Error(), "logs:CreateLogGroup on resource: arn:aws:logs:us-east-1:000000000000:log-group:/other:*") {
		t.Errorf("CreateLogGroup as a function: %v", err)
	}
	_, err = cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String(appStream), LogEvents: inputEvents(time.Now(), "m")})
	if errorCode(err) != "AccessDeniedException" || !strings.Contains(err.Error(), "logs:PutLogEvents on resource: arn:aws:logs:us-east-1:000000000000:log-group:/custom/app:log-stream:web-1") {
		t.Errorf("PutLogEvents as a function: %v", err)
	}
	if slices.Contains(e.store.Groups(), "/other") {
		t.Error("the denied group was made")
	}
}

// TestLogsPutLogEventsLiveTail: a live tail of an API-made group gets
// PutLogEvents' events as they are put.
func TestLogsPutLogEventsLiveTail(t *testing.T) {
	e := newLogsEndpoint(t, LogsOptions{Heartbeat: 200 * time.Millisecond})
	cl, ctx := e.client(), context.Background()
	mustCreate(t, cl)
	out, err := cl.StartLiveTail(ctx, &cloudwatchlogs.StartLiveTailInput{LogGroupIdentifiers: []string{"arn:aws:logs:us-east-1:000000000000:log-group:" + appGroup}})
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	next := func() cwtypes.StartLiveTailResponseStream {
		t.Helper()
		select {
		case ev, ok := <-stream.Events():
			if !ok {
				t.Fatalf("stream ended: %v", stream.Err())
			}
			return ev
		case <-time.After(waitEvent):
			t.Fatal("no event")
		}
		return nil
	}
	if _, ok := next().(*cwtypes.StartLiveTailResponseStreamMemberSessionStart); !ok {
		t.Fatal("no sessionStart")
	}
	at := time.Now().Truncate(time.Millisecond)
	if _, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String(appStream), LogEvents: inputEvents(at, "live one", "live two")}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for len(got) < 2 {
		up, ok := next().(*cwtypes.StartLiveTailResponseStreamMemberSessionUpdate)
		if !ok {
			t.Fatal("not an update")
		}
		for _, r := range up.Value.SessionResults {
			got = append(got, *r.Message)
			if *r.LogStreamName != appStream || *r.Timestamp < at.UnixMilli() {
				t.Errorf("live event %+v", r)
			}
		}
	}
	if !slices.Equal(got, []string{"live one", "live two"}) {
		t.Errorf("live events %v", got)
	}
}

// waitEvent bounds a wait for an event that should come at once, generous
// for a loaded machine.
const waitEvent = 10 * time.Second

// BenchmarkLogsPutLogEvents is a PutLogEvents of 100 events of 100 bytes
// through the SDK and the real endpoint into a stream made by
// CreateLogStream (the store writes the events before it answers).
func BenchmarkLogsPutLogEvents(b *testing.B) {
	store, err := logs.OpenOptions(b.TempDir(), logs.Options{SweepInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	e := &logsEndpoint{store: store, auth: &authz{}}
	e.srv = httptest.NewServer(New(Options{Identities: testIdentities, Authorizer: e.auth}, Logs(store, LogsOptions{})))
	defer e.srv.Close()
	cl, ctx := e.client(), context.Background()
	if err := store.CreateGroup(appGroup, 0, "", nil); err != nil {
		b.Fatal(err)
	}
	if err := store.CreateStream(appGroup, appStream); err != nil {
		b.Fatal(err)
	}
	msgs := make([]string, 100)
	for i := range msgs {
		msgs[i] = strings.Repeat("x", 100)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String(appStream),
			LogEvents: inputEvents(time.Now(), msgs...)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(msgs))/b.Elapsed().Seconds(), "events/s")
}

// TestLogsPutLargestEvent: an event of CloudWatch Logs' largest size (1 MiB
// with its 26 bytes of overhead) is taken whole and read back whole.
func TestLogsPutLargestEvent(t *testing.T) {
	e := newLogsEndpoint(t, LogsOptions{})
	cl, ctx := e.client(), context.Background()
	mustCreate(t, cl)
	msg := strings.Repeat("x", 1<<20-putEventOverhead)
	if _, err := cl.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String(appStream),
		LogEvents: inputEvents(time.Now(), msg)}); err != nil {
		t.Fatal(err)
	}
	out, err := cl.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(appGroup), LogStreamName: aws.String(appStream), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 1 || len(aws.ToString(out.Events[0].Message)) != len(msg) {
		t.Errorf("read back %d events, want one of %d bytes", len(out.Events), len(msg))
	}
}
