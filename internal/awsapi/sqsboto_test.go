package awsapi

import (
	"os/exec"
	"strings"
	"testing"
)

// botoScript drives the query protocol with Debian's boto3 1.26 (botocore
// 1.29 speaks SQS's query protocol, as the SDKs did before 2023).
const botoScript = `
import sys, hashlib, boto3
c = boto3.client("sqs", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="AKID", aws_secret_access_key=sys.argv[2])
url = c.create_queue(QueueName="boto", Attributes={"VisibilityTimeout": "7"}, tags={"k": "v"})["QueueUrl"]
assert url == c.get_queue_url(QueueName="boto")["QueueUrl"]
r = c.send_message(QueueUrl=url, MessageBody="hi <&>", MessageAttributes={
    "s": {"DataType": "String", "StringValue": "x"},
    "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})
assert r["MD5OfMessageBody"] == hashlib.md5(b"hi <&>").hexdigest(), r
b = c.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "1"}, {"Id": "b", "MessageBody": "2", "DelaySeconds": 901}])
assert len(b["Successful"]) == 1 and b["Failed"][0]["Code"] == "InvalidParameterValue", b
m = c.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"])["Messages"]
assert len(m) == 2, m
first = [x for x in m if x["Body"] == "hi <&>"][0]
assert first["MessageAttributes"]["b"]["BinaryValue"] == b"\x00\x01", first
assert first["Attributes"]["ApproximateReceiveCount"] == "1"
d = c.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": x["ReceiptHandle"]} for i, x in enumerate(m)])
assert len(d["Successful"]) == 2, d
a = c.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
assert a["VisibilityTimeout"] == "7" and a["ApproximateNumberOfMessages"] == "0", a
assert c.list_queue_tags(QueueUrl=url)["Tags"] == {"k": "v"}
try:
    c.get_queue_url(QueueName="nope")
    raise SystemExit("no error")
except c.exceptions.QueueDoesNotExist:
    pass
c.delete_queue(QueueUrl=url)
print("ok")
`

// TestSQSBoto3Query: an SDK that speaks the query protocol works
// unchanged (skipped without Debian's python3-boto3).
func TestSQSBoto3Query(t *testing.T) {
	if exec.Command("/usr/bin/python3", "-c", "import boto3").Run() != nil {
		t.Skip("no boto3 for /usr/bin/python3")
	}
	srv, _ := newSQS(t)
	out, err := exec.Command("/usr/bin/python3", "-c", botoScript, srv.URL, testToken).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("%v\n%s", err, out)
	}
}
