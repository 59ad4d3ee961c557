package broker

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/nats-io/nats-server/v2/server"
)

// logger adapts slog to the NATS server's logger.
type logger struct{ l *slog.Logger }

func (g logger) log(level slog.Level, format string, v []any) {
	if g.l.Enabled(context.Background(), level) {
		g.l.Log(context.Background(), level, fmt.Sprintf(format, v...), "component", "nats")
	}
}

// Noticef is the server's start banner and routine notes: Debug, so an
// embedded broker does not fill Verge's console.
func (g logger) Noticef(format string, v ...any) { g.log(slog.LevelDebug, format, v) }
func (g logger) Warnf(format string, v ...any)   { g.log(slog.LevelWarn, format, v) }
func (g logger) Fatalf(format string, v ...any)  { g.log(slog.LevelError, format, v) }
func (g logger) Errorf(format string, v ...any)  { g.log(slog.LevelError, format, v) }
func (g logger) Debugf(format string, v ...any)  { g.log(slog.LevelDebug, format, v) }
func (g logger) Tracef(format string, v ...any)  { g.log(slog.LevelDebug-4, format, v) }

var _ server.Logger = logger{}
