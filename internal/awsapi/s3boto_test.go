package awsapi

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
)

// botoPost is boto3's generate_presigned_post, posted with requests as a
// browser posts the form.
const botoPost = `
import sys, boto3, requests
endpoint, secret = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key=secret,
                  config=boto3.session.Config(signature_version="s3v4", s3={"addressing_style": "path"}))
post = s3.generate_presigned_post("boto", "up/${filename}", Fields={"Content-Type": "text/plain"},
                                  Conditions=[{"Content-Type": "text/plain"}, ["content-length-range", 1, 1000]], ExpiresIn=300)
r = requests.post(post["url"], data=post["fields"], files={"file": ("note.txt", b"from boto3")})
print(r.status_code)
print(s3.get_object(Bucket="boto", Key="up/note.txt")["Body"].read().decode())
url = s3.generate_presigned_url("get_object", Params={"Bucket": "boto", "Key": "up/note.txt"}, ExpiresIn=60)
print(requests.get(url).text)
`

// TestS3Boto3: boto3's presigned POST and presigned GET, where Python and
// boto3 (with requests) are installed.
func TestS3Boto3(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil || testing.Short() || exec.Command(py, "-c", "import boto3, requests").Run() != nil {
		t.Skip("no python3 with boto3 and requests, or -short")
	}
	e := newS3Env(t, false)
	mustS3(e.client(true, testToken).CreateBucket(context.Background(), &awss3.CreateBucketInput{Bucket: aws.String("boto")}))(t)
	cmd := exec.Command(py, "-c", botoPost, e.url(), testToken)
	cmd.Env = append(withoutAWS(os.Environ()), "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "204\nfrom boto3\nfrom boto3" {
		t.Errorf("boto3: %q", got)
	}
}
