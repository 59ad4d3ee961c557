// Command verge-sandbox is a small sandbox shim: set Spec.Shim to its path
// so that starting a sandbox re-executes this binary rather than Verge,
// skipping Verge's package initialisation. It does nothing on its own.
package main

import (
	"fmt"
	"os"

	"github.com/verge-edge/verge/internal/sandbox"
)

func main() {
	sandbox.Init()
	fmt.Fprintln(os.Stderr, "verge-sandbox: a sandbox shim started by Verge; not meant to be run directly")
	os.Exit(2)
}
