package awsapi

import "github.com/fxamacker/cbor/v2"

// contentCBOR is the Content-Type of AWS's CBOR protocol (Kinesis's
// default in the Java SDKs and the KCL).
const contentCBOR = "application/x-amz-cbor-1.1"

// cborDec decodes CBOR request bodies; struct fields use their json tags.
var cborDec, _ = cbor.DecOptions{}.DecMode()
