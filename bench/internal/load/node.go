package load

import (
	"fmt"
	"log"
	"os/exec"
	"strconv"

	"github.com/verge-edge/verge/internal/runtimes"
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
