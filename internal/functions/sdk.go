package functions

import (
	"context"
	"fmt"

	"github.com/verge-edge/verge/internal/runtimes"
)

// prepareSDK starts providing the AWS SDK rt's functions may require (npm
// install of the SDK for JavaScript, boto3's folder) in the background, so
// that it is ready by the first cold start.
func (s *Service) prepareSDK(rt *runtimes.Runtime) {
	switch rt.Family {
	case runtimes.Node:
		s.sdks.StartNode()
	case runtimes.Python:
		s.sdks.StartPython(rt.Interpreter)
	}
}

// sdkFor waits, at most SDKWait, for the AWS SDK rt includes on Lambda and
// returns its folder, or "" when there is none: its absence was logged
// once, and a sandbox that could not wait says so in its function's log.
func (s *Service) sdkFor(ctx context.Context, rt *runtimes.Runtime, out *output) string {
	ctx, cancel := context.WithTimeout(ctx, SDKWait)
	defer cancel()
	var dir string
	var err error
	switch rt.Family {
	case runtimes.Node:
		dir, err = s.sdks.Node(ctx)
	case runtimes.Python:
		dir, err = s.sdks.Python(ctx, rt.Interpreter)
	default:
		return ""
	}
	if err != nil && err == ctx.Err() {
		out.Line(fmt.Sprintf("[verge] the AWS SDK %s includes is still being installed after %s; this sandbox starts without it", rt.ID, SDKWait))
	}
	return dir
}
