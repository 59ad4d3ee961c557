package load

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/verge-edge/verge/internal/runtimes"
	"github.com/verge-edge/verge/internal/stack"
)

// NodeServer runs a peer: a bare Node.js HTTP server (node is the
// interpreter) answering every request with body as contentType, the least
// a request to node can cost. It returns the server's URL and a stop func.
func NodeServer(node, body, contentType string) (url string, stop func(), err error) {
	script := `const s = require("http").createServer((q, r) => { q.resume(); q.on("end", () => { r.setHeader("Content-Type", ` +
		strconv.Quote(contentType) + `); r.end(` + strconv.Quote(body) + `); }); });
s.keepAliveTimeout = 60000;
s.listen(0, "127.0.0.1", () => console.log(s.address().port));`
	cmd := exec.Command(node, "-e", script)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	var port string
	if _, err := fmt.Fscanln(out, &port); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return "", nil, fmt.Errorf("node peer: %v", err)
	}
	return "http://127.0.0.1:" + port + "/", func() { cmd.Process.Kill(); cmd.Wait() }, nil
}

// MustDefault is the default runtime identifier of a family; it stops the
// program when there is none.
func MustDefault(f runtimes.Family) string {
	id, err := runtimes.Default(f)
	if err != nil {
		log.Fatal(err)
	}
	return id
}

// Function writes code to DIR/NAME/FILE and returns the function resource
// that runs it: 128 MB, a 10 s timeout, Lambda's async defaults.
func Function(dir, name, file, code string) (*stack.Function, error) {
	entry := filepath.Join(dir, name, file)
	if err := os.MkdirAll(filepath.Dir(entry), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(entry, []byte(code), 0o644); err != nil {
		return nil, err
	}
	return &stack.Function{Name: name, MemoryMB: 128, TimeoutSeconds: 10,
		Package: stack.Package{Type: stack.PackagingBuildpack, EntryFile: entry},
		Async:   stack.Async{MaxRetryAttempts: 2, MaxEventAgeSeconds: 21600}}, nil
}
