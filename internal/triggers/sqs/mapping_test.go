package sqs

import (
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

func TestValidate(t *testing.T) {
	ok := Mapping{Function: "fn", Queue: "jobs"}
	tests := []struct {
		name string
		edit func(m *Mapping)
		bad  bool
	}{
		{name: "defaults", edit: func(m *Mapping) {}},
		{name: "no function", edit: func(m *Mapping) { m.Function = "" }, bad: true},
		{name: "no queue", edit: func(m *Mapping) { m.Queue = "" }, bad: true},
		{name: "batch size 1", edit: func(m *Mapping) { m.BatchSize = 1 }},
		{name: "batch size 10", edit: func(m *Mapping) { m.BatchSize = 10 }},
		{name: "batch size negative", edit: func(m *Mapping) { m.BatchSize = -1 }, bad: true},
		{name: "batch size 11 without window", edit: func(m *Mapping) { m.BatchSize = 11 }, bad: true},
		{name: "batch size 11 with a short window", edit: func(m *Mapping) { m.BatchSize = 11; m.MaxBatchWindow = time.Millisecond * 999 }, bad: true},
		{name: "batch size 10000 with window", edit: func(m *Mapping) { m.BatchSize = 10000; m.MaxBatchWindow = time.Second }},
		{name: "batch size 10001", edit: func(m *Mapping) { m.BatchSize = 10001; m.MaxBatchWindow = time.Second }, bad: true},
		{name: "window 300 s", edit: func(m *Mapping) { m.MaxBatchWindow = 300 * time.Second }},
		{name: "window 301 s", edit: func(m *Mapping) { m.MaxBatchWindow = 301 * time.Second }, bad: true},
		{name: "window negative", edit: func(m *Mapping) { m.MaxBatchWindow = -time.Second }, bad: true},
		{name: "FIFO batch size 10", edit: func(m *Mapping) { m.Queue = "jobs.fifo"; m.BatchSize = 10 }},
		{name: "FIFO batch size 11", edit: func(m *Mapping) { m.Queue = "jobs.fifo"; m.BatchSize = 11; m.MaxBatchWindow = time.Second }, bad: true},
		{name: "FIFO window", edit: func(m *Mapping) { m.Queue = "jobs.fifo"; m.MaxBatchWindow = time.Second }, bad: true},
		{name: "maximum concurrency 2", edit: func(m *Mapping) { m.MaximumConcurrency = 2 }},
		{name: "maximum concurrency 1000", edit: func(m *Mapping) { m.MaximumConcurrency = 1000 }},
		{name: "maximum concurrency 1", edit: func(m *Mapping) { m.MaximumConcurrency = 1 }, bad: true},
		{name: "maximum concurrency 1001", edit: func(m *Mapping) { m.MaximumConcurrency = 1001 }, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok
			tt.edit(&m)
			err := m.Validate()
			if (err != nil) != tt.bad {
				t.Fatalf("Validate() = %v, want an error: %v", err, tt.bad)
			}
			if err != nil && !errs.Is(errs.Invalid, err) {
				t.Errorf("error %v is not of kind Invalid", err)
			}
		})
	}
	if d := ok.withDefaults(); d.BatchSize != 10 || d.QueueARN != "arn:aws:sqs:us-east-1:000000000000:jobs" {
		t.Errorf("defaults %+v", d)
	}
}
