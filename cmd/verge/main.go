// Command verge is a self-hosted CDN and serverless platform: CloudFront with
// Lambda@Edge and CloudFront Functions, and Lambda with its event sources, in
// one binary. See internal/cli for the commands.
package main

import (
	_ "time/tzdata" // schedules and Expires dates must parse on minimal hosts

	"github.com/verge-edge/verge/internal/cli"
)

func main() { cli.Main() }
