package load

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
)

// MarkerStack is a stack with one Node.js function behind an HTTP API
// (GET /mark) that logs "MARK <wall-clock µs>": the log-delay benchmarks
// time that line's way to a reader.
const MarkerStack = `resources:
  api:
    type: http-api-gateway
  marker:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: index.js}}
      events:
        - type: http-api-gateway
          properties: {httpApiGatewayName: api, path: /mark, method: GET}
`

// MarkerHandler is MarkerStack's function.
const MarkerHandler = `exports.handler = async () => {
  console.log('MARK ' + Math.round((performance.timeOrigin + performance.now()) * 1000));
  return { statusCode: 200, body: 'ok' };
};
`

// WriteMarkerStack writes MarkerStack and its function into dir.
func WriteMarkerStack(dir string) error { return WriteStack(dir, MarkerStack, MarkerHandler) }

// WriteStack writes a stack (verge.yaml) and its one function (index.js)
// into dir.
func WriteStack(dir, stack, handler string) error {
	if err := os.WriteFile(filepath.Join(dir, "verge.yaml"), []byte(stack), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "index.js"), []byte(handler), 0o644)
}

// TempStack makes a temporary folder named for the bench and writes the
// stack and its function into it (WriteStack); the caller removes it.
func TempStack(bench, stack, handler string) (dir string, err error) {
	if dir, err = os.MkdirTemp("", "verge-bench-"+bench+"-"); err != nil {
		return "", err
	}
	if err := WriteStack(dir, stack, handler); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// Serve serves h on a loopback port and returns its base URL.
func Serve(h http.Handler) (base string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}
