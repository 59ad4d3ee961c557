package stack

import (
	"strings"
	"testing"

	s3event "github.com/verge-edge/verge/internal/triggers/s3"
)

func TestParseBucketARN(t *testing.T) {
	tests := []struct {
		arn, name, problem string // problem: a substring of the error, "" when it parses
	}{
		{"arn:aws:s3:::uploads", "uploads", ""},
		{"arn:aws:s3:::my.bucket-1", "my.bucket-1", ""},
		{"arn:aws:s3:::", "", "names no bucket"},
		{"arn:aws:s3:::uploads/images/a.jpg", "", `object's ARN; name bucket "uploads"`},
		{"arn:aws:s3:::uploads/*", "", `object's ARN; name bucket "uploads"`},
		{"arn:aws:s3:us-east-1:000000000000:uploads", "", "not a bucket's ARN"},
		{"arn:aws:sqs:us-east-1:000000000000:jobs", "", "not a bucket's ARN"},
		{"uploads", "", "not a bucket's ARN"},
		{"", "", "not a bucket's ARN"},
	}
	for _, tt := range tests {
		name, err := parseBucketARN(tt.arn)
		switch {
		case tt.problem == "" && (err != nil || name != tt.name):
			t.Errorf("parseBucketARN(%q) = %q, %v; want %q", tt.arn, name, err, tt.name)
		case tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)):
			t.Errorf("parseBucketARN(%q) error = %v, want %q", tt.arn, err, tt.problem)
		}
	}
}

// FuzzParseBucketARN checks that a name is returned exactly when the ARN
// is the bucket prefix followed by a name without "/".
func FuzzParseBucketARN(f *testing.F) {
	for _, s := range []string{"arn:aws:s3:::b", "arn:aws:s3:::b/k", "arn:aws:s3:::", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, err := parseBucketARN(s)
		if err != nil {
			if name != "" {
				t.Fatalf("%q: name %q with error %v", s, name, err)
			}
			return
		}
		if name == "" || strings.Contains(name, "/") || bucketARNPrefix+name != s {
			t.Fatalf("%q parsed as bucket %q", s, name)
		}
	})
}

// TestNotificationsValid loads a stack with several s3 events per bucket
// and checks what the plan promises: each bucket's notifications pass
// S3's own validation, ids are FUNCTION-s3-INDEX, and the order is by
// function, then index.
func TestNotificationsValid(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{FileName: `resources:
  b: {type: bucket}
  c: {type: bucket}
  z:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}
      events:
        - {type: s3, properties: {bucketName: c, s3EventType: 's3:ObjectCreated:*'}}
        - {type: s3, properties: {bucketName: b, s3EventType: 's3:ObjectCreated:Put', filterRule: {prefix: x/}}}
  a:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}
      events:
        - {type: s3, properties: {bucketArn: "$ResourceParam('b', 'arn')", s3EventType: 's3:ObjectCreated:*', filterRule: {prefix: y/}}}
        - {type: s3, properties: {bucketName: b, s3EventType: 's3:ObjectRemoved:*'}}
        - {type: s3, properties: {bucketName: c, s3EventType: 's3:ObjectRemoved:Delete'}}
`, "fn.js": ""})
	plan, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a-s3-0", "a-s3-1", "a-s3-2", "z-s3-0", "z-s3-1"}
	byBucket := map[string][]s3event.Configuration{}
	var ids []string
	for _, n := range plan.BucketNotifications {
		ids = append(ids, n.ID)
		byBucket[n.Bucket] = append(byBucket[n.Bucket], s3event.Configuration{ID: n.ID, Events: n.Events, Prefix: n.Prefix, Suffix: n.Suffix})
	}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("ids %q, want %q", ids, want)
	}
	for bucket, cs := range byBucket {
		if err := s3event.Validate(cs); err != nil {
			t.Errorf("bucket %s: %v", bucket, err)
		}
	}
	if len(plan.Buckets) != 2 || plan.Buckets[0].Name != "b" || plan.Buckets[0].Dir != "" {
		t.Errorf("buckets %+v", plan.Buckets)
	}
}

func TestCheckBucketName(t *testing.T) {
	tests := []struct {
		name    string
		problem string // a substring of the message, "" when valid
	}{
		{"uploads", ""},
		{"my-bucket.2024", ""},
		{"abc", ""},
		{strings.Repeat("a", 63), ""},
		{"ab", "3 to 63"},
		{strings.Repeat("a", 64), "3 to 63"},
		{"Uploads", "lower-case"},
		{"a_b", "lower-case"},
		{"-ab", "start and end"},
		{"ab.", "start and end"},
		{"a..b", "two periods"},
		{"10.0.0.1", "IP address"},
	}
	for _, tt := range tests {
		msg := checkBucketName(tt.name)
		if (tt.problem == "") != (msg == "") || !strings.Contains(msg, tt.problem) {
			t.Errorf("checkBucketName(%q) = %q, want %q", tt.name, msg, tt.problem)
		}
	}
}

func TestNotificationConfiguration(t *testing.T) {
	tests := []struct {
		n          BucketNotification
		kind, want string
	}{
		{BucketNotification{Function: "thumbs"}, s3event.TargetFunction, "arn:aws:lambda:us-east-1:000000000000:function:thumbs"},
		{BucketNotification{Queue: "jobs"}, s3event.TargetQueue, "arn:aws:sqs:us-east-1:000000000000:jobs"},
		{BucketNotification{Topic: "news"}, s3event.TargetTopic, "arn:aws:sns:us-east-1:000000000000:news"},
	}
	for _, tt := range tests {
		tt.n.ID, tt.n.Events, tt.n.Prefix, tt.n.Suffix = "id", []string{"s3:ObjectCreated:*"}, "p", "s"
		c := tt.n.Configuration()
		if c.Kind != tt.kind || c.ARN != tt.want || c.ID != "id" || c.Prefix != "p" || c.Suffix != "s" || len(c.Events) != 1 {
			t.Errorf("%+v: %+v", tt.n, c)
		}
	}
}
