package broker

import "time"

// Defaults for Options.
const (
	// DefaultName is the embedded server's name.
	DefaultName = "verge"
	// DefaultMaxMemory bounds JetStream's memory storage (NATS defaults to
	// 75% of RAM).
	DefaultMaxMemory = 64 << 20
	// DefaultMaxStore bounds JetStream's file storage (NATS defaults to 1 TB).
	DefaultMaxStore = 1 << 30
	// MaxPayload is the embedded server's largest message: room for a 6 MB
	// Lambda response inside an asynchronous invocation record.
	MaxPayload = 8 << 20
)

// readyPoll is how often Open asks whether JetStream is ready.
const readyPoll = 20 * time.Millisecond
