package awsapi

import _ "github.com/aws/aws-sdk-go-v2/service/kinesis" // the oracle of the Kinesis API tests
