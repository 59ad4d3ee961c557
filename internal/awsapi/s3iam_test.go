package awsapi

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmw "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// readDenier records what it is asked and denies reading bucket secret.
type readDenier struct {
	mu   sync.Mutex
	seen []string
}

func (d *readDenier) Authorize(_ context.Context, req Request) error {
	d.mu.Lock()
	d.seen = append(d.seen, req.Action+" "+strings.Join(req.Resources, ","))
	d.mu.Unlock()
	if (req.Action == "s3:GetObject" || req.Action == "s3:DeleteObject") && slices.ContainsFunc(req.Resources, func(r string) bool { return strings.HasPrefix(r, "arn:aws:s3:::secret/") }) {
		return errors.New(DeniedMessage(req))
	}
	return nil
}

// TestS3Authorization: each operation's action and resources; a copy is
// a write of its target and a read of its source, each checked.
func TestS3Authorization(t *testing.T) {
	d := &readDenier{}
	e := newS3EnvAuth(t, false, d)
	c := e.client(true, testToken)
	ctx := context.Background()
	for _, b := range []string{"secret", "open"} {
		mustS3(c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String(b)}))(t)
		mustS3(c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("dir/k"), Body: strings.NewReader("x")}))(t)
	}
	mustS3(c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("open")}))(t)
	mustS3(c.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("open"), Key: aws.String("dir/k")}))(t)
	mustS3(c.ListBuckets(ctx, &awss3.ListBucketsInput{}))(t)
	mustS3(c.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("secret"), Key: aws.String("c"), CopySource: aws.String("open/dir/k")}))(t)
	_, err := c.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: aws.String("open"), Key: aws.String("c"), CopySource: aws.String("secret/dir/k")})
	if errorCode(err) != "AccessDenied" || !strings.Contains(err.Error(), "s3:GetObject on resource: arn:aws:s3:::secret/dir/k") {
		t.Errorf("copy out of secret: %v", err)
	}
	_, err = c.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("secret"), Key: aws.String("dir/k")})
	if errorCode(err) != "AccessDenied" {
		t.Errorf("GetObject of secret: %v", err)
	}
	_, err = c.DeleteObjects(ctx, &awss3.DeleteObjectsInput{Bucket: aws.String("secret"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("dir/k")}}}})
	if errorCode(err) != "AccessDenied" {
		t.Errorf("DeleteObjects in secret: %v", err)
	}
	mustS3(c.DeleteObjects(ctx, &awss3.DeleteObjectsInput{Bucket: aws.String("open"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("c")}, {Key: aws.String("x y")}, {Key: aws.String("c")}}}}))(t)
	policy := `{"expiration":"2099-01-01T00:00:00Z","conditions":[["starts-with","$key","post/"],{"x-amz-algorithm":"AWS4-HMAC-SHA256"},["starts-with","$x-amz-credential",""],["starts-with","$x-amz-date",""]]}`
	f := signedPost(t, testIdentities.Admin(), policy, time.Now())
	f["key"] = "post/${filename}"
	if resp, body := postUpload(t, e, "open", f, []string{"key", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "policy", "x-amz-signature"}, "x"); resp.StatusCode != 204 {
		t.Errorf("POST: %s %s", resp.Status, body)
	}
	want := []string{
		"s3:PutObject arn:aws:s3:::open/post/photo.jpg",
		"s3:DeleteObject arn:aws:s3:::secret/dir/k",
		"s3:DeleteObject arn:aws:s3:::open/c,arn:aws:s3:::open/x y",
		"s3:CreateBucket arn:aws:s3:::secret",
		"s3:PutObject arn:aws:s3:::secret/dir/k",
		"s3:ListBucket arn:aws:s3:::open",
		"s3:GetObject arn:aws:s3:::open/dir/k",
		"s3:ListAllMyBuckets ",
		"s3:PutObject arn:aws:s3:::secret/c",
		"s3:GetObject arn:aws:s3:::open/dir/k",
		"s3:PutObject arn:aws:s3:::open/c",
		"s3:GetObject arn:aws:s3:::secret/dir/k",
	}
	for _, w := range want {
		if !slices.Contains(d.seen, w) {
			t.Errorf("not asked %q; asked %q", w, d.seen)
		}
	}
}

// TestS3Caller: the store's events name the caller and the request as the
// response does.
func TestS3Caller(t *testing.T) {
	e := newS3Env(t, false)
	c := e.client(false, testToken)
	ctx := context.Background()
	mustS3(c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("calls")}))(t)
	out := mustS3(c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("calls"), Key: aws.String("k"), Body: strings.NewReader("x")}))(t)
	id, _ := awsmw.GetRequestIDMetadata(out.ResultMetadata)
	ev := <-e.events
	if ev.Name != "ObjectCreated:Put" || ev.Bucket != "calls" || ev.Key != "k" || ev.Caller.RequestID != id || id == "" ||
		ev.Caller.HostID != s3HostID(id) || ev.Caller.SourceIP != "127.0.0.1" || ev.Caller.Principal != "AWS:000000000000" {
		t.Errorf("event %+v (request id %s)", ev, id)
	}
}
