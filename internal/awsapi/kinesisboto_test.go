package awsapi

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/kinesis"
)

// botoKinesisScript drives Kinesis with boto3 (AWS JSON 1.1).
const botoKinesisScript = `
import sys, time, datetime, boto3
c = boto3.client("kinesis", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="AKID", aws_secret_access_key=sys.argv[2])
c.create_stream(StreamName="py", ShardCount=2)
c.get_waiter("stream_exists").wait(StreamName="py", WaiterConfig={"Delay": 1})
r = c.put_record(StreamName="py", Data=b"\x00hello", PartitionKey="a", ExplicitHashKey="0")
assert r["ShardId"] == "shardId-000000000000", r
b = c.put_records(StreamName="py", Records=[{"Data": b"r%d" % i, "PartitionKey": "k%d" % i, "ExplicitHashKey": "0"} for i in range(5)])
assert b["FailedRecordCount"] == 0 and len(b["Records"]) == 5, b
shards = c.list_shards(StreamName="py")["Shards"]
assert [s["ShardId"] for s in shards] == ["shardId-000000000000", "shardId-000000000001"], shards
it = c.get_shard_iterator(StreamName="py", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
g = c.get_records(ShardIterator=it, Limit=10)
assert [x["Data"] for x in g["Records"]] == [b"\x00hello"] + [b"r%d" % i for i in range(5)], g["Records"]
first = g["Records"][0]["ApproximateArrivalTimestamp"]
assert first.year >= 2024, first
it = c.get_shard_iterator(StreamName="py", ShardId="shardId-000000000000", ShardIteratorType="AT_TIMESTAMP",
                          Timestamp=first - datetime.timedelta(seconds=1))["ShardIterator"]
assert len(c.get_records(ShardIterator=it)["Records"]) == 6
s = c.describe_stream_summary(StreamName="py")["StreamDescriptionSummary"]
assert s["OpenShardCount"] == 2 and s["StreamStatus"] == "ACTIVE", s
u = c.update_shard_count(StreamName="py", TargetShardCount=4, ScalingType="UNIFORM_SCALING")
assert u["CurrentShardCount"] == 2 and u["TargetShardCount"] == 4, u
assert len(c.list_shards(StreamName="py", ShardFilter={"Type": "AT_LATEST"})["Shards"]) == 4
assert c.list_streams()["StreamNames"] == ["py"]
arn = c.describe_stream_summary(StreamName="py")["StreamDescriptionSummary"]["StreamARN"]
cons = c.register_stream_consumer(StreamARN=arn, ConsumerName="boto")["Consumer"]
for _ in range(100):
    if c.describe_stream_consumer(ConsumerARN=cons["ConsumerARN"])["ConsumerDescription"]["ConsumerStatus"] == "ACTIVE":
        break
    time.sleep(0.1)
sub = c.subscribe_to_shard(ConsumerARN=cons["ConsumerARN"], ShardId="shardId-000000000000", StartingPosition={"Type": "TRIM_HORIZON"})
got = []
for ev in sub["EventStream"]:
    got += [r["Data"] for r in ev["SubscribeToShardEvent"]["Records"]]
    if len(got) >= 6:
        break
sub["EventStream"].close()
assert got == [b"\x00hello"] + [b"r%d" % i for i in range(5)], got
try:
    c.describe_stream(StreamName="nope")
    raise SystemExit("no error")
except c.exceptions.ResourceNotFoundException:
    pass
print("ok")
`

// TestKinesisBoto3: boto3 works unchanged (skipped without
// /usr/bin/python3 and boto3).
func TestKinesisBoto3(t *testing.T) {
	if exec.Command("/usr/bin/python3", "-c", "import boto3").Run() != nil {
		t.Skip("no boto3 for /usr/bin/python3")
	}
	e := newKinesis(t, kinesis.Options{})
	out, err := exec.Command("/usr/bin/python3", "-c", botoKinesisScript, e.srv.URL, testToken).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("%v\n%s", err, out)
	}
}

// cborScript is a Kinesis client in CBOR whose encoder and decoder are
// written here, independent of the library the endpoint uses: maps, text
// and byte strings, integers, tag 1; signed with botocore's SigV4.
const cborScript = `
import sys, struct, time, urllib.request, urllib.error
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

def head(major, n):
    if n < 24: return bytes([major << 5 | n])
    for ai, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)): return bytes([major << 5 | ai]) + struct.pack(fmt, n)

class Stamp:
    def __init__(self, ms): self.ms = ms

def enc(v):
    if isinstance(v, bool): return b"\xf5" if v else b"\xf4"
    if isinstance(v, int): return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, bytes): return head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode(); return head(3, len(b)) + b
    if isinstance(v, list): return head(4, len(v)) + b"".join(enc(x) for x in v)
    if isinstance(v, dict): return head(5, len(v)) + b"".join(enc(k) + enc(x) for k, x in v.items())
    if isinstance(v, Stamp): return b"\xc1" + enc(v.ms)
    raise TypeError(v)

def dec(b, i=0):
    ib = b[i]; major, ai = ib >> 5, ib & 31; i += 1
    if major == 7:
        if ai == 20: return False, i
        if ai == 21: return True, i
        if ai == 22: return None, i
        if ai == 27: return struct.unpack(">d", b[i:i+8])[0], i + 8
        raise ValueError("simple %d" % ai)
    if ai < 24: n = ai
    else:
        size = {24: 1, 25: 2, 26: 4, 27: 8}[ai]; n = int.from_bytes(b[i:i+size], "big"); i += size
    if major == 0: return n, i
    if major == 1: return -1 - n, i
    if major == 2: return b[i:i+n], i + n
    if major == 3: return b[i:i+n].decode(), i + n
    if major == 4:
        out = []
        for _ in range(n):
            x, i = dec(b, i); out.append(x)
        return out, i
    if major == 5:
        out = {}
        for _ in range(n):
            k, i = dec(b, i); x, i = dec(b, i); out[k] = x
        return out, i
    if major == 6:
        x, i = dec(b, i)
        return (Stamp(x) if n == 1 else ("tag", n, x)), i
    raise ValueError(major)

def call(op, body):
    data = enc(body)
    req = AWSRequest(method="POST", url=sys.argv[1] + "/", data=data,
                     headers={"Content-Type": "application/x-amz-cbor-1.1", "X-Amz-Target": "Kinesis_20131202." + op})
    SigV4Auth(Credentials("AKID", sys.argv[2]), "kinesis", "us-east-1").add_auth(req)
    r = urllib.request.Request(req.url, data=data, headers=dict(req.headers.items()), method="POST")
    try:
        with urllib.request.urlopen(r) as resp:
            assert resp.headers["Content-Type"] == "application/x-amz-cbor-1.1", resp.headers
            out, end = dec(resp.read()); return 200, out
    except urllib.error.HTTPError as e:
        assert e.headers["Content-Type"] == "application/x-amz-cbor-1.1", e.headers
        raw = e.read(); out, end = dec(raw); assert end == len(raw)
        assert e.headers["X-Amzn-ErrorType"] == out["__type"], (e.headers, out)
        return e.code, out

now = int(time.time() * 1000)
st, _ = call("CreateStream", {"StreamName": "cb", "ShardCount": 1})
assert st == 200, st
st, out = call("PutRecords", {"StreamName": "cb", "Records": [{"Data": b"\x00\xff", "PartitionKey": "a"}, {"Data": b"two", "PartitionKey": "b"}]})
assert st == 200 and out["FailedRecordCount"] == 0 and len(out["Records"]) == 2, out
st, out = call("GetShardIterator", {"StreamName": "cb", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": Stamp(now - 60000)})
assert st == 200, out
st, out = call("GetRecords", {"ShardIterator": out["ShardIterator"]})
recs = out["Records"]
assert [r["Data"] for r in recs] == [b"\x00\xff", b"two"], recs
ts = recs[0]["ApproximateArrivalTimestamp"]
assert isinstance(ts, Stamp) and abs(ts.ms - now) < 60000, vars(ts)
st, out = call("DescribeStreamSummary", {"StreamName": "cb"})
assert st == 200 and isinstance(out["StreamDescriptionSummary"]["StreamCreationTimestamp"], Stamp), out
st, out = call("DescribeStream", {"StreamName": "nope"})
assert st == 400 and out["__type"] == "ResourceNotFoundException" and "nope" in out["message"], (st, out)
st, out = call("CreateStream", {"StreamName": "x", "ShardCount": "1"})
assert st == 400 and out["__type"] == "SerializationException", (st, out)
st, out = call("PutRecord", {"StreamName": "cb", "Data": "text, not bytes", "PartitionKey": "a"})
assert st == 400 and out["__type"] == "SerializationException", (st, out)
print("ok")
`

// TestKinesisCBORIndependent: a CBOR client whose codec is not the
// endpoint's (Python, written in the script) works.
func TestKinesisCBORIndependent(t *testing.T) {
	if exec.Command("/usr/bin/python3", "-c", "import botocore").Run() != nil {
		t.Skip("no botocore for /usr/bin/python3")
	}
	e := newKinesis(t, kinesis.Options{})
	out, err := exec.Command("/usr/bin/python3", "-c", cborScript, e.srv.URL, testToken).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("%v\n%s", err, out)
	}
}

// TestKinesisAWSCLI runs `aws kinesis` commands against the endpoint;
// skipped when there is no aws on the PATH.
func TestKinesisAWSCLI(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil || testing.Short() {
		t.Skip("no aws CLI, or -short")
	}
	e := newKinesis(t, kinesis.Options{})
	home := t.TempDir()
	cfg := filepath.Join(home, "config")
	os.WriteFile(cfg, []byte("[default]\nregion = us-east-1\ncli_binary_format = raw-in-base64-out\n"), 0o600)
	run := func(args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command(aws, append([]string{"--endpoint-url", e.srv.URL, "--output", "json", "kinesis"}, args...)...)
		cmd.Env = append(withoutAWS(os.Environ()), "AWS_ACCESS_KEY_ID=AKID", "AWS_SECRET_ACCESS_KEY="+testToken, "AWS_CONFIG_FILE="+cfg,
			"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "none"), "HOME="+home)
		var out, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("aws kinesis %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), stderr.String())
		}
		v := map[string]any{}
		if out.Len() > 0 {
			if err := json.Unmarshal(out.Bytes(), &v); err != nil {
				t.Fatalf("aws kinesis %s: %v\n%s", strings.Join(args, " "), err, out.String())
			}
		}
		return v
	}
	run("create-stream", "--stream-name", "cli", "--shard-count", "1")
	run("wait", "stream-exists", "--stream-name", "cli")
	put := run("put-record", "--stream-name", "cli", "--partition-key", "k", "--data", "hello cli")
	if put["ShardId"] != "shardId-000000000000" {
		t.Errorf("put-record: %v", put)
	}
	run("put-records", "--stream-name", "cli", "--records", `[{"Data":"two","PartitionKey":"a"},{"Data":"three","PartitionKey":"b"}]`)
	it := run("get-shard-iterator", "--stream-name", "cli", "--shard-id", "shardId-000000000000", "--shard-iterator-type", "TRIM_HORIZON")
	got := run("get-records", "--shard-iterator", it["ShardIterator"].(string))
	recs, _ := got["Records"].([]any)
	var data []string
	for _, r := range recs {
		data = append(data, r.(map[string]any)["Data"].(string)) // base64, as the CLI prints blobs
	}
	if strings.Join(data, ",") != "aGVsbG8gY2xp,dHdv,dGhyZWU=" {
		t.Errorf("get-records: %v", got)
	}
	if s := run("describe-stream-summary", "--stream-name", "cli")["StreamDescriptionSummary"].(map[string]any); s["OpenShardCount"] != 1.0 {
		t.Errorf("describe-stream-summary: %v", s)
	}
	run("update-shard-count", "--stream-name", "cli", "--target-shard-count", "2", "--scaling-type", "UNIFORM_SCALING")
	if shards := run("list-shards", "--stream-name", "cli", "--shard-filter", "Type=AT_LATEST")["Shards"].([]any); len(shards) != 2 {
		t.Errorf("list-shards after update-shard-count: %v", shards)
	}
	run("delete-stream", "--stream-name", "cli")
}
