package awsapi

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/verge-edge/verge/internal/identity"
)

// TestS3Presigned: presigned PUT and GET URLs work from a plain HTTP
// client; an expired one is S3's AccessDenied "Request has expired".
func TestS3Presigned(t *testing.T) {
	e := newS3Env(t, false)
	c := e.client(true, testToken)
	ctx := context.Background()
	mustS3(c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("pre")}))(t)
	pc := awss3.NewPresignClient(c)
	put := mustS3(pc.PresignPutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("pre"), Key: aws.String("up load.txt")}))(t)
	req, _ := http.NewRequest(put.Method, put.URL, strings.NewReader("presigned body"))
	for k, v := range put.SignedHeader {
		req.Header[k] = v
	}
	hc := &http.Client{Transport: e.tr}
	resp, err := hc.Do(req)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("ETag") == "" {
		t.Fatalf("presigned PUT: %v %v", err, resp)
	}
	resp.Body.Close()
	get := mustS3(pc.PresignGetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("pre"), Key: aws.String("up load.txt")}, awss3.WithPresignExpires(time.Minute)))(t)
	resp, err = hc.Get(get.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "presigned body" || resp.Header.Get(HeaderAmzRequestID) == "" || resp.Header.Get(hdrHostID) == "" {
		t.Errorf("presigned GET: %s %q %v", resp.Status, body, resp.Header)
	}
	e.skew.Store(int64(2 * time.Minute))
	resp, err = hc.Get(get.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(body), "<Code>AccessDenied</Code><Message>Request has expired</Message>") {
		t.Errorf("expired: %s %s", resp.Status, body)
	}
}

// signedPost is a signed POST form's fields for policy, as a browser
// page's server would make them (SigV4's signing key over the base64
// policy).
func signedPost(t *testing.T, c identity.Credentials, policy string, at time.Time) map[string]string {
	t.Helper()
	day := at.UTC().Format("20060102")
	p64 := base64.StdEncoding.EncodeToString([]byte(policy))
	key := []byte("AWS4" + c.SecretAccessKey)
	for _, part := range []string{day, "us-east-1", "s3", "aws4_request", p64} {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(part))
		key = m.Sum(nil)
	}
	return map[string]string{
		"policy": p64, "x-amz-algorithm": "AWS4-HMAC-SHA256", "x-amz-credential": c.AccessKeyID + "/" + day + "/us-east-1/s3/aws4_request",
		"x-amz-date": at.UTC().Format("20060102T150405Z"), "x-amz-signature": hex.EncodeToString(key),
	}
}

// postUpload posts fields then the file, unsigned, as a browser does.
func postUpload(t *testing.T, e *s3Env, bucket string, fields map[string]string, order []string, file string) (*http.Response, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, k := range order {
		if v, ok := fields[k]; ok {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", "photo.jpg")
	fw.Write([]byte(file))
	mw.Close()
	resp, err := (&http.Client{Transport: e.tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).
		Post(e.url()+"/"+bucket, mw.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// TestS3PostPolicy: a browser's form upload with a signed policy, and what
// S3 refuses of one.
func TestS3PostPolicy(t *testing.T) {
	e := newS3Env(t, false)
	c := e.client(true, testToken)
	ctx := context.Background()
	mustS3(c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("forms")}))(t)
	now := time.Now()
	exp := now.Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")
	policy := fmt.Sprintf(`{"expiration":%q,"conditions":[{"bucket":"forms"},["starts-with","$key","uploads/"],{"success_action_status":"201"},
		["starts-with","$Content-Type","image/"],["content-length-range",1,100],{"x-amz-meta-who":"me"},["starts-with","$tagging",""],
		{"x-amz-algorithm":"AWS4-HMAC-SHA256"},["starts-with","$x-amz-credential",""],["starts-with","$x-amz-date",""]]}`, exp)
	order := []string{"key", "success_action_status", "Content-Type", "x-amz-meta-who", "tagging", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "policy", "x-amz-signature", "x-ignore-this"}
	form := func() map[string]string {
		f := signedPost(t, testIdentities.Admin(), policy, now)
		f["key"], f["success_action_status"], f["Content-Type"], f["x-amz-meta-who"], f["x-ignore-this"] = "uploads/${filename}", "201", "image/jpeg", "me", "x"
		f["tagging"] = "<Tagging><TagSet><Tag><Key>from</Key><Value>form</Value></Tag></TagSet></Tagging>"
		return f
	}
	resp, body := postUpload(t, e, "forms", form(), order, "JPEG bytes")
	if resp.StatusCode != 201 || !strings.Contains(body, "<Key>uploads/photo.jpg</Key>") || resp.Header.Get("ETag") == "" {
		t.Fatalf("POST: %s %s", resp.Status, body)
	}
	h := mustS3(c.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("forms"), Key: aws.String("uploads/photo.jpg")}))(t)
	if aws.ToString(h.ContentType) != "image/jpeg" || h.Metadata["who"] != "me" || aws.ToInt64(h.ContentLength) != 10 || aws.ToInt32(h.TagCount) != 1 {
		t.Errorf("uploaded: %+v", h)
	}
	ev := <-e.events
	for ev.Name != "ObjectCreated:Post" {
		ev = <-e.events
	}
	if ev.Key != "uploads/photo.jpg" || ev.Caller.SourceIP != "127.0.0.1" || ev.Caller.RequestID == "" || ev.Caller.Principal == "" {
		t.Errorf("event: %+v", ev)
	}

	tests := []struct {
		name   string
		change func(f map[string]string)
		file   string
		status int
		want   string
	}{
		{"wrong signature", func(f map[string]string) { f["x-amz-signature"] = strings.Repeat("0", 64) }, "x", 403, "SignatureDoesNotMatch"},
		{"key outside the prefix", func(f map[string]string) { f["key"] = "other/x" }, "x", 403, "Policy Condition failed"},
		{"field not in the policy", func(f map[string]string) { f["x-amz-meta-extra"] = "1"; order = append(order, "x-amz-meta-extra") }, "x", 403, "Extra input fields: x-amz-meta-extra"},
		{"too large", func(map[string]string) {}, strings.Repeat("x", 101), 400, "EntityTooLarge"},
		{"empty", func(map[string]string) {}, "", 400, "EntityTooSmall"},
		{"unknown key id", func(f map[string]string) {
			f["x-amz-credential"] = "ASIANOPE/" + now.UTC().Format("20060102") + "/us-east-1/s3/aws4_request"
		}, "x", 403, "InvalidAccessKeyId"},
	}
	for _, tt := range tests {
		f := form()
		tt.change(f)
		resp, body := postUpload(t, e, "forms", f, order, tt.file)
		if resp.StatusCode != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %s %s", tt.name, resp.Status, body)
		}
	}
	// The rejected uploads left nothing.
	ls := mustS3(c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("forms")}))(t)
	if len(ls.Contents) != 1 {
		t.Errorf("objects: %d", len(ls.Contents))
	}
	// An expired policy; a redirect on success.
	e.skew.Store(int64(2 * time.Hour))
	resp, body = postUpload(t, e, "forms", form(), order, "x")
	if resp.StatusCode != 403 || !strings.Contains(body, "Policy expired") {
		t.Errorf("expired policy: %s %s", resp.Status, body)
	}
	e.skew.Store(0)
	policy = fmt.Sprintf(`{"expiration":%q,"conditions":[{"bucket":"forms"},{"key":"r"},{"success_action_redirect":"http://example.com/done?x=1"},
		{"x-amz-algorithm":"AWS4-HMAC-SHA256"},["starts-with","$x-amz-credential",""],["starts-with","$x-amz-date",""]]}`, exp)
	f := signedPost(t, testIdentities.Admin(), policy, now)
	f["key"], f["success_action_redirect"] = "r", "http://example.com/done?x=1"
	redirectOrder := []string{"key", "success_action_redirect", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "policy", "x-amz-signature"}
	resp, _ = postUpload(t, e, "forms", f, redirectOrder, "y")
	if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || !strings.HasPrefix(loc, "http://example.com/done?") || !strings.Contains(loc, "key=r") || !strings.Contains(loc, "bucket=forms") {
		t.Errorf("redirect: %s %s", resp.Status, loc)
	}
	// A field the policy does not cover is refused, x-amz-date included.
	policy = fmt.Sprintf(`{"expiration":%q,"conditions":[{"bucket":"forms"},{"key":"r"},{"x-amz-algorithm":"AWS4-HMAC-SHA256"},["starts-with","$x-amz-credential",""]]}`, exp)
	f = signedPost(t, testIdentities.Admin(), policy, now)
	f["key"] = "r"
	resp, body = postUpload(t, e, "forms", f, redirectOrder, "y")
	if resp.StatusCode != 403 || !strings.Contains(body, "x-amz-date") {
		t.Errorf("uncovered x-amz-date: %s %s", resp.Status, body)
	}
}
