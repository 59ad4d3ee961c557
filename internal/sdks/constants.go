package sdks

// nodePackages are the AWS SDK for JavaScript v3 packages functions get:
// the clients of the services Verge serves, pinned to exact versions (one
// release of the SDK; the Kinesis client had no newer one).
var nodePackages = map[string]string{
	"@aws-sdk/client-cloudfront":      "3.1178.0",
	"@aws-sdk/client-cloudwatch-logs": "3.1178.0",
	"@aws-sdk/client-dynamodb":        "3.1178.0",
	"@aws-sdk/client-eventbridge":     "3.1178.0",
	"@aws-sdk/client-kinesis":         "3.1143.0",
	"@aws-sdk/client-lambda":          "3.1178.0",
	"@aws-sdk/client-s3":              "3.1178.0",
	"@aws-sdk/client-sns":             "3.1178.0",
	"@aws-sdk/client-sqs":             "3.1178.0",
	"@aws-sdk/lib-dynamodb":           "3.1178.0",
}

// distPackages is where Debian's python3-boto3 installs boto3 and its
// dependencies.
const distPackages = "/usr/lib/python3/dist-packages"

// pythonModules are the top-level modules boto3 needs from distPackages
// (Debian's botocore imports requests instead of a vendored copy), the
// ones Lambda's Python runtimes include and no others, so a function
// cannot come to depend on something Lambda lacks. boto3 and botocore are
// required; the rest are linked when present.
var pythonModules = []string{
	"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3",
	"requests", "certifi", "idna", "charset_normalizer", "chardet",
}

// aptHint is how to get boto3 on Debian and Ubuntu.
const aptHint = "apt-get install python3-boto3"
