package awsapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestS3Listing: ListObjectsV2's pages, prefixes, delimiter, start-after,
// owner and URL encoding; ListObjects' markers.
func TestS3Listing(t *testing.T) {
	e := newS3Env(t, false)
	c := e.client(true, testToken)
	ctx := context.Background()
	b := aws.String("list")
	mustS3(c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: b}))(t)
	keys := []string{"a.txt", "b/1", "b/2", "b/c/3", "c d", "e"}
	for _, k := range keys {
		mustS3(c.PutObject(ctx, &awss3.PutObjectInput{Bucket: b, Key: aws.String(k), Body: strings.NewReader(k)}))(t)
	}
	var got []string
	var token *string
	pages := 0
	for {
		out := mustS3(c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: b, MaxKeys: aws.Int32(4), ContinuationToken: token}))(t)
		pages++
		for _, o := range out.Contents {
			got = append(got, aws.ToString(o.Key))
			if o.Owner != nil {
				t.Error("owner without fetch-owner")
			}
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		token = out.NextContinuationToken
	}
	if strings.Join(got, ",") != strings.Join(keys, ",") || pages != 2 {
		t.Errorf("pages %d: %v", pages, got)
	}
	out := mustS3(c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: b, Prefix: aws.String("b/"), Delimiter: aws.String("/"), FetchOwner: aws.Bool(true)}))(t)
	if len(out.Contents) != 2 || len(out.CommonPrefixes) != 1 || aws.ToString(out.CommonPrefixes[0].Prefix) != "b/c/" || out.Contents[0].Owner == nil ||
		aws.ToInt32(out.KeyCount) != 3 || aws.ToString(out.Delimiter) != "/" {
		t.Errorf("delimited: %+v", out)
	}
	out = mustS3(c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: b, StartAfter: aws.String("b/c/3")}))(t)
	if len(out.Contents) != 2 || aws.ToString(out.Contents[0].Key) != "c d" {
		t.Errorf("start-after: %+v", out.Contents)
	}
	out = mustS3(c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: b, Prefix: aws.String("c "), EncodingType: types.EncodingTypeUrl}))(t)
	if len(out.Contents) != 1 || aws.ToString(out.Contents[0].Key) != "c+d" || aws.ToString(out.Prefix) != "c+" {
		t.Errorf("encoding-type=url: %+v", out)
	}
	_, err := c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: b, ContinuationToken: aws.String("!!")})
	if errorCode(err) != "InvalidArgument" {
		t.Errorf("bad token: %v", err)
	}
	// ListObjects (v1): NextMarker only with a delimiter.
	v1 := mustS3(c.ListObjects(ctx, &awss3.ListObjectsInput{Bucket: b, MaxKeys: aws.Int32(2)}))(t)
	if len(v1.Contents) != 2 || !aws.ToBool(v1.IsTruncated) || v1.NextMarker != nil {
		t.Errorf("v1 page: %+v", v1)
	}
	v1 = mustS3(c.ListObjects(ctx, &awss3.ListObjectsInput{Bucket: b, Marker: aws.String("b/2"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(1)}))(t)
	if len(v1.Contents)+len(v1.CommonPrefixes) != 1 || aws.ToString(v1.NextMarker) == "" || aws.ToString(v1.Marker) != "b/2" {
		t.Errorf("v1 delimited: %+v", v1)
	}
}

// TestS3CopyAndDelete: CopyObject's directives and refusals, DeleteObjects
// quiet and not.
func TestS3CopyAndDelete(t *testing.T) {
	e := newS3Env(t, false)
	c := e.client(true, testToken)
	ctx := context.Background()
	b := aws.String("copy")
	mustS3(c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: b}))(t)
	mustS3(c.PutObject(ctx, &awss3.PutObjectInput{Bucket: b, Key: aws.String("src key"), Body: strings.NewReader("content"),
		ContentType: aws.String("text/x-src"), Metadata: map[string]string{"m": "1"}, Tagging: aws.String("t=1")}))(t)

	cp := mustS3(c.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: b, Key: aws.String("dst"), CopySource: aws.String("copy/src%20key")}))(t)
	if aws.ToString(cp.CopyObjectResult.ETag) != `"9a0364b9e99bb480dd25e1f0284c8555"` || cp.CopyObjectResult.LastModified == nil {
		t.Errorf("CopyObject: %+v", cp.CopyObjectResult)
	}
	h := mustS3(c.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: b, Key: aws.String("dst")}))(t)
	if aws.ToString(h.ContentType) != "text/x-src" || h.Metadata["m"] != "1" || aws.ToInt32(h.TagCount) != 1 {
		t.Errorf("copied headers: %+v", h)
	}
	mustS3(c.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: b, Key: aws.String("dst"), CopySource: aws.String("/copy/src%20key"),
		MetadataDirective: types.MetadataDirectiveReplace, ContentType: aws.String("text/x-new"), TaggingDirective: types.TaggingDirectiveReplace, Tagging: aws.String("a=1&b=2")}))(t)
	h = mustS3(c.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: b, Key: aws.String("dst")}))(t)
	if aws.ToString(h.ContentType) != "text/x-new" || len(h.Metadata) != 0 || aws.ToInt32(h.TagCount) != 2 {
		t.Errorf("replaced headers: %+v", h)
	}
	_, err := c.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: b, Key: aws.String("dst"), CopySource: aws.String("copy/dst")})
	if errorCode(err) != "InvalidRequest" || !strings.Contains(err.Error(), "copy an object to itself") {
		t.Errorf("self copy: %v", err)
	}
	mustS3(c.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: b, Key: aws.String("dst"), CopySource: aws.String("copy/dst"), MetadataDirective: types.MetadataDirectiveReplace}))(t)
	_, err = c.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: b, Key: aws.String("x"), CopySource: aws.String("copy/src%20key"), CopySourceIfMatch: aws.String(`"no"`)})
	if errorCode(err) != "PreconditionFailed" {
		t.Errorf("copy-source-if-match: %v", err)
	}
	_, err = c.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: b, Key: aws.String("x"), CopySource: aws.String("copy/none")})
	var nsk *types.NoSuchKey
	if errorCode(err) != "NoSuchKey" && !errors.As(err, &nsk) {
		t.Errorf("missing source: %v", err)
	}
	_, err = c.CopyObject(ctx, &awss3.CopyObjectInput{Bucket: b, Key: aws.String("x"), CopySource: aws.String("copy/dst?versionId=abc")})
	if errorCode(err) != "InvalidArgument" {
		t.Errorf("versionId: %v", err)
	}

	del := mustS3(c.DeleteObjects(ctx, &awss3.DeleteObjectsInput{Bucket: b, Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("dst")}, {Key: aws.String("never")}, {Key: aws.String(strings.Repeat("k", 1025))}}}}))(t)
	if len(del.Deleted) != 2 || len(del.Errors) != 1 || aws.ToString(del.Errors[0].Code) != "KeyTooLongError" {
		t.Errorf("DeleteObjects: %+v", del)
	}
	del = mustS3(c.DeleteObjects(ctx, &awss3.DeleteObjectsInput{Bucket: b, Delete: &types.Delete{Quiet: aws.Bool(true), Objects: []types.ObjectIdentifier{{Key: aws.String("src key")}}}}))(t)
	if len(del.Deleted) != 0 || len(del.Errors) != 0 {
		t.Errorf("quiet DeleteObjects: %+v", del)
	}
	ls := mustS3(c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: b}))(t)
	if len(ls.Contents) != 0 {
		t.Errorf("left: %+v", ls.Contents)
	}
}

// TestS3Multipart: an upload in parts (one copied), listed, completed, and
// S3's refusals of a wrong part list.
func TestS3Multipart(t *testing.T) {
	e := newS3Env(t, true)
	c := e.client(true, testToken)
	ctx := context.Background()
	b := aws.String("multi")
	mustS3(c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: b}))(t)
	big := bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16) // 5 MiB, the smallest part but the last
	mustS3(c.PutObject(ctx, &awss3.PutObjectInput{Bucket: b, Key: aws.String("src"), Body: strings.NewReader("source bytes")}))(t)

	start := func(key string) *string {
		cu := mustS3(c.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: b, Key: aws.String(key), ContentType: aws.String("text/x-mp"),
			Metadata: map[string]string{"k": "v"}}))(t)
		if aws.ToString(cu.Key) != key || aws.ToString(cu.UploadId) == "" {
			t.Fatalf("CreateMultipartUpload: %+v", cu)
		}
		return cu.UploadId
	}
	part := func(key string, id *string, n int32, body []byte) types.CompletedPart {
		up := mustS3(c.UploadPart(ctx, &awss3.UploadPartInput{Bucket: b, Key: aws.String(key), UploadId: id, PartNumber: aws.Int32(n), Body: bytes.NewReader(body)}))(t)
		return types.CompletedPart{PartNumber: aws.Int32(n), ETag: up.ETag, ChecksumCRC32: up.ChecksumCRC32}
	}
	id := start("big")
	p1 := part("big", id, 1, big)
	pc := mustS3(c.UploadPartCopy(ctx, &awss3.UploadPartCopyInput{Bucket: b, Key: aws.String("big"), UploadId: id, PartNumber: aws.Int32(2),
		CopySource: aws.String("multi/src"), CopySourceRange: aws.String("bytes=7-11")}))(t)
	p2 := types.CompletedPart{PartNumber: aws.Int32(2), ETag: pc.CopyPartResult.ETag}

	lp := mustS3(c.ListParts(ctx, &awss3.ListPartsInput{Bucket: b, Key: aws.String("big"), UploadId: id}))(t)
	if len(lp.Parts) != 2 || aws.ToInt64(lp.Parts[0].Size) != int64(len(big)) || aws.ToInt64(lp.Parts[1].Size) != 5 {
		t.Errorf("ListParts: %+v", lp.Parts)
	}
	lp = mustS3(c.ListParts(ctx, &awss3.ListPartsInput{Bucket: b, Key: aws.String("big"), UploadId: id, MaxParts: aws.Int32(1)}))(t)
	if len(lp.Parts) != 1 || !aws.ToBool(lp.IsTruncated) || aws.ToString(lp.NextPartNumberMarker) != "1" {
		t.Errorf("ListParts page: %+v", lp)
	}
	lu := mustS3(c.ListMultipartUploads(ctx, &awss3.ListMultipartUploadsInput{Bucket: b}))(t)
	if len(lu.Uploads) != 1 || aws.ToString(lu.Uploads[0].UploadId) != aws.ToString(id) {
		t.Errorf("ListMultipartUploads: %+v", lu.Uploads)
	}

	// Refusals: a part that is not there, parts out of order, a small part
	// before the last.
	for _, tt := range []struct {
		parts []types.CompletedPart
		code  string
	}{
		{[]types.CompletedPart{p1, {PartNumber: aws.Int32(3), ETag: p2.ETag}}, "InvalidPart"},
		{[]types.CompletedPart{p2, p1}, "InvalidPartOrder"},
	} {
		_, err := c.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("big"), UploadId: id,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: tt.parts}})
		if errorCode(err) != tt.code {
			t.Errorf("Complete %s: %v", tt.code, err)
		}
	}
	small := start("small")
	s1, s2 := part("small", small, 1, []byte("tiny")), part("small", small, 2, []byte("end"))
	_, err := c.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("small"), UploadId: small,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{s1, s2}}})
	if errorCode(err) != "EntityTooSmall" {
		t.Errorf("small part: %v", err)
	}
	mustS3(c.AbortMultipartUpload(ctx, &awss3.AbortMultipartUploadInput{Bucket: b, Key: aws.String("small"), UploadId: small}))(t)
	_, err = c.ListParts(ctx, &awss3.ListPartsInput{Bucket: b, Key: aws.String("small"), UploadId: small})
	if errorCode(err) != "NoSuchUpload" {
		t.Errorf("parts of an aborted upload: %v", err)
	}
	_, err = c.AbortMultipartUpload(ctx, &awss3.AbortMultipartUploadInput{Bucket: b, Key: aws.String("small"), UploadId: small})
	var nsu *types.NoSuchUpload
	if !errors.As(err, &nsu) {
		t.Errorf("aborting twice: %v", err)
	}

	done := mustS3(c.CompleteMultipartUpload(ctx, &awss3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("big"), UploadId: id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{p1, p2}}}))(t)
	if !strings.HasSuffix(aws.ToString(done.ETag), `-2"`) || aws.ToString(done.Key) != "big" || !strings.HasSuffix(aws.ToString(done.Location), "/multi/big") {
		t.Errorf("Complete: %+v", done)
	}
	out, err := c.GetObject(ctx, &awss3.GetObjectInput{Bucket: b, Key: aws.String("big")})
	if body := read(t, out, err); body != string(big)+"bytes" || aws.ToInt32(out.PartsCount) != 2 || aws.ToString(out.ContentType) != "text/x-mp" || out.Metadata["k"] != "v" {
		t.Errorf("assembled object: %d bytes, %+v", len(body), out)
	}
	lu = mustS3(c.ListMultipartUploads(ctx, &awss3.ListMultipartUploadsInput{Bucket: b}))(t)
	if len(lu.Uploads) != 0 {
		t.Errorf("uploads left: %+v", lu.Uploads)
	}
}

// TestS3TaggingAndNotifications: object tags, and the bucket's
// notification configuration round trip and refusals.
func TestS3TaggingAndNotifications(t *testing.T) {
	e := newS3Env(t, false)
	c := e.client(true, testToken)
	ctx := context.Background()
	b := aws.String("tags")
	mustS3(c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: b}))(t)
	mustS3(c.PutObject(ctx, &awss3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: strings.NewReader("x")}))(t)
	mustS3(c.PutObjectTagging(ctx, &awss3.PutObjectTaggingInput{Bucket: b, Key: aws.String("k"), Tagging: &types.Tagging{TagSet: []types.Tag{
		{Key: aws.String("b"), Value: aws.String("2")}, {Key: aws.String("a"), Value: aws.String("1")}}}}))(t)
	gt := mustS3(c.GetObjectTagging(ctx, &awss3.GetObjectTaggingInput{Bucket: b, Key: aws.String("k")}))(t)
	if len(gt.TagSet) != 2 || aws.ToString(gt.TagSet[0].Key) != "a" {
		t.Errorf("GetObjectTagging: %+v", gt.TagSet)
	}
	var many []types.Tag
	for i := range 11 {
		many = append(many, types.Tag{Key: aws.String(fmt.Sprint(i)), Value: aws.String("v")})
	}
	_, err := c.PutObjectTagging(ctx, &awss3.PutObjectTaggingInput{Bucket: b, Key: aws.String("k"), Tagging: &types.Tagging{TagSet: many}})
	if errorCode(err) == "" {
		t.Error("11 tags taken")
	}
	mustS3(c.DeleteObjectTagging(ctx, &awss3.DeleteObjectTaggingInput{Bucket: b, Key: aws.String("k")}))(t)
	gt = mustS3(c.GetObjectTagging(ctx, &awss3.GetObjectTaggingInput{Bucket: b, Key: aws.String("k")}))(t)
	if len(gt.TagSet) != 0 {
		t.Errorf("after DeleteObjectTagging: %+v", gt.TagSet)
	}
	_, err = c.GetObjectTagging(ctx, &awss3.GetObjectTaggingInput{Bucket: b, Key: aws.String("none")})
	if errorCode(err) != "NoSuchKey" {
		t.Errorf("tags of a missing key: %v", err)
	}

	conf := &types.NotificationConfiguration{
		QueueConfigurations: []types.QueueConfiguration{{Id: aws.String("q"), QueueArn: aws.String("arn:aws:sqs:us-east-1:000000000000:jobs"),
			Events: []types.Event{"s3:ObjectCreated:*"}, Filter: &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{
				{Name: types.FilterRuleNamePrefix, Value: aws.String("in/")}}}}}},
		LambdaFunctionConfigurations: []types.LambdaFunctionConfiguration{{Id: aws.String("f"), LambdaFunctionArn: aws.String("arn:aws:lambda:us-east-1:000000000000:function:thumbs"),
			Events: []types.Event{"s3:ObjectRemoved:Delete"}}},
		EventBridgeConfiguration: &types.EventBridgeConfiguration{},
	}
	mustS3(c.PutBucketNotificationConfiguration(ctx, &awss3.PutBucketNotificationConfigurationInput{Bucket: b, NotificationConfiguration: conf}))(t)
	gn := mustS3(c.GetBucketNotificationConfiguration(ctx, &awss3.GetBucketNotificationConfigurationInput{Bucket: b}))(t)
	if len(gn.QueueConfigurations) != 1 || aws.ToString(gn.QueueConfigurations[0].Filter.Key.FilterRules[0].Value) != "in/" ||
		len(gn.LambdaFunctionConfigurations) != 1 || aws.ToString(gn.LambdaFunctionConfigurations[0].LambdaFunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:thumbs" ||
		gn.EventBridgeConfiguration == nil {
		t.Errorf("GetBucketNotificationConfiguration: %+v", gn)
	}
	conf.QueueConfigurations[0].Events = []types.Event{"s3:ObjectCreated:Nope"}
	_, err = c.PutBucketNotificationConfiguration(ctx, &awss3.PutBucketNotificationConfigurationInput{Bucket: b, NotificationConfiguration: conf})
	if errorCode(err) != "InvalidArgument" || !strings.Contains(err.Error(), "The event is not supported for notifications") {
		t.Errorf("unknown event: %v", err)
	}
	conf.QueueConfigurations[0].Events = []types.Event{"s3:ObjectRemoved:*"}
	_, err = c.PutBucketNotificationConfiguration(ctx, &awss3.PutBucketNotificationConfigurationInput{Bucket: b, NotificationConfiguration: conf})
	if errorCode(err) != "InvalidArgument" || !strings.Contains(err.Error(), "overlap") {
		t.Errorf("overlap: %v", err)
	}
}
