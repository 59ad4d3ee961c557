package sqs

import (
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/errs"
)

// A Mapping connects a queue to a function: Lambda's event source mapping
// for SQS. A Mapping is identified by its Function and Queue, as Lambda
// allows one mapping per function and queue.
type Mapping struct {
	Function string
	// Queue is the queue's name ("jobs", "jobs.fifo"); QueueARN is the
	// eventSourceARN of the records (arn.Queue(Queue) when empty).
	Queue    string
	QueueARN string
	// BatchSize is the most messages per invocation: 10 when 0, at most
	// 10,000, and 10 on a FIFO queue. Above 10 it needs a MaxBatchWindow.
	BatchSize int
	// MaxBatchWindow is how long to gather a batch after its first
	// message: 0 to 300 s, and 0 on a FIFO queue.
	MaxBatchWindow time.Duration
	// ReportBatchItemFailures reads the function's partial batch response
	// (FunctionResponseTypes: [ReportBatchItemFailures]).
	ReportBatchItemFailures bool
	// MaximumConcurrency caps the batches in flight: 0 for no cap beyond
	// the function's concurrency, else 2 to 1,000.
	MaximumConcurrency int
	Enabled            bool
}

// key identifies a mapping across Apply calls.
func (m Mapping) key() string { return m.Function + "\x00" + m.Queue }

// fifo reports whether the queue is FIFO (SQS requires the suffix).
func (m Mapping) fifo() bool { return strings.HasSuffix(m.Queue, fifoSuffix) }

// Validate checks m as CreateEventSourceMapping would.
func (m Mapping) Validate() error {
	const op errs.Op = "sqs.Mapping.Validate"
	bad := func(format string, args ...any) error {
		return errs.E(op, errs.Invalid, m.Function+" <- "+m.Queue, errs.Errorf(format, args...))
	}
	switch {
	case m.Function == "":
		return bad("no function")
	case m.Queue == "":
		return bad("no queue")
	case m.BatchSize < 0 || m.BatchSize > maxBatchSize:
		return bad("batch size %d is not between 1 and %d", m.BatchSize, maxBatchSize)
	case m.fifo() && m.BatchSize > maxFIFOBatchSize:
		return bad("batch size %d is over %d, the most for a FIFO queue", m.BatchSize, maxFIFOBatchSize)
	case m.MaxBatchWindow < 0 || m.MaxBatchWindow > maxBatchWindow:
		return bad("maximum batching window %v is not between 0 and %v", m.MaxBatchWindow, maxBatchWindow)
	case m.fifo() && m.MaxBatchWindow > 0:
		return bad("a batching window is not supported for FIFO queues")
	case m.BatchSize > maxReceive && m.MaxBatchWindow < time.Second:
		return bad("a batch size over %d needs a maximum batching window of at least 1 second", maxReceive)
	case m.MaximumConcurrency != 0 && (m.MaximumConcurrency < minMaxConcurrency || m.MaximumConcurrency > maxMaxConcurrency):
		return bad("maximum concurrency %d is not between %d and %d", m.MaximumConcurrency, minMaxConcurrency, maxMaxConcurrency)
	}
	return nil
}

// withDefaults fills in the defaults of a valid mapping.
func (m Mapping) withDefaults() Mapping {
	if m.BatchSize == 0 {
		m.BatchSize = defaultBatchSize
	}
	if m.QueueARN == "" {
		m.QueueARN = arn.Queue(m.Queue)
	}
	return m
}
