# A Kinesis stream handler, exactly as it would run on AWS Lambda: each batch
# of `clicks` records is counted by page. A record whose data is "fail" makes
# the batch fail: Verge retries it, splitting it in two each time
# (bisectBatchOnFunctionError) until the bad record is alone, and after two
# retries sends its failure record (shard, sequence range: not the data) to
# jobsDlq.
#   aws kinesis put-record --stream-name clicks --partition-key ada --data /pricing
import base64
from collections import Counter


def handler(event, context):
    pages = Counter()
    for record in event["Records"]:
        data = base64.b64decode(record["kinesis"]["data"]).decode()
        if data == "fail":
            raise ValueError("cannot count " + record["kinesis"]["sequenceNumber"])
        pages[data] += 1
    shard = event["Records"][0]["eventID"].split(":")[0]
    print(f"{len(event['Records'])} clicks on {shard}: " + ", ".join(f"{p} x{n}" for p, n in pages.most_common()))
