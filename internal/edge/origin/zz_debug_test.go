package origin

import (
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

func init() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGUSR1)
	go func() {
		for range c {
			f, _ := os.Create("/tmp/originwork/stacks.txt")
			pprof.Lookup("goroutine").WriteTo(f, 2)
			f.Close()
		}
	}()
}
