package wait

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestSleep(t *testing.T) {
	if !Sleep(context.Background(), time.Millisecond) {
		t.Error("a full sleep reported cut short")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Sleep(ctx, time.Hour) {
		t.Error("a cancelled sleep reported complete")
	}
}

func TestDrain(t *testing.T) {
	tests := []struct {
		name    string
		work    time.Duration // how long the goroutine runs unless cancelled
		timeout time.Duration
		wantErr bool
	}{
		{"finishes in time", 0, time.Hour, false},
		{"cancelled at the deadline", time.Hour, 10 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stop := make(chan struct{})
			var once sync.Once
			cancel := func() { once.Do(func() { close(stop) }) }
			var wg sync.WaitGroup
			wg.Go(func() {
				select {
				case <-time.After(tt.work):
				case <-stop:
				}
			})
			ctx, done := context.WithTimeout(context.Background(), tt.timeout)
			defer done()
			if err := Drain(ctx, &wg, cancel); (err != nil) != tt.wantErr {
				t.Fatalf("Drain: %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
