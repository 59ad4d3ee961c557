package awsapi

import "runtime"

// archOf is the Lambda architecture functions run on here: the host's.
func archOf() string {
	if runtime.GOARCH == "arm64" {
		return "arm64"
	}
	return "x86_64"
}
