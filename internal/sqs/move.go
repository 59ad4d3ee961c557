package sqs

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Move task statuses.
const (
	TaskRunning   = "RUNNING"
	TaskCompleted = "COMPLETED"
	TaskCancelled = "CANCELLED"
	TaskFailed    = "FAILED"
	maxMoveRate   = 500
	keptTasks     = 10
)

// A MoveTask is a message move task (StartMessageMoveTask): messages
// moved from a dead-letter queue back to their sources or to a
// destination.
type MoveTask struct {
	Handle      string `json:"handle"`
	Status      string `json:"status"`
	Source      string `json:"source"` // ARN
	Destination string `json:"destination,omitempty"`
	// Rate is MaxNumberOfMessagesPerSecond; 0 for no limit.
	Rate          int    `json:"rate,omitempty"`
	Moved         int64  `json:"moved"`
	ToMove        int64  `json:"toMove"`
	FailureReason string `json:"failure,omitempty"`
	Started       int64  `json:"started"` // ms
}

type moveTask struct {
	MoveTask
	cancel context.CancelFunc
}

// StartMoveTask starts moving the messages of the dead-letter queue
// source (an ARN) to destination (an ARN; "" for each message's source
// queue), at most rate a second (0: no limit).
func (s *Service) StartMoveTask(ctx context.Context, source, destination string, rate int) (string, error) {
	sname, ok := QueueNameOf(source)
	if !ok {
		return "", invalidValue("SourceArn", source, "Invalid ARN.")
	}
	q, err := s.get(sname)
	if err != nil {
		return "", fail(CodeResourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	srcs, _ := s.DeadLetterSources(sname)
	if len(srcs) == 0 {
		return "", invalidValue("SourceArn", source, "Source queue must be configured as a Dead Letter Queue.")
	}
	if destination != "" {
		dname, ok := QueueNameOf(destination)
		if !ok || !s.Exists(dname) {
			return "", fail(CodeResourceNotFound, "The resource that you specified for the DestinationArn parameter doesn't exist.")
		}
	}
	if rate < 0 || rate > maxMoveRate {
		return "", invalidValue("MaxNumberOfMessagesPerSecond", strconv.Itoa(rate), "Must be between 1 and 500.")
	}
	s.mu.Lock()
	for _, t := range s.tasks {
		if t.Source == source && t.Status == TaskRunning {
			s.mu.Unlock()
			return "", fail(CodeUnsupportedOperation, "There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
		}
	}
	id := uuid.NewString()
	h, _ := json.Marshal(map[string]string{"taskId": id, "sourceArn": source})
	q.mu.Lock()
	q.settleNow()
	toMove := int64(q.visible())
	q.mu.Unlock()
	tctx, cancel := context.WithCancel(s.ctx)
	t := &moveTask{MoveTask: MoveTask{Handle: base64.StdEncoding.EncodeToString(h), Status: TaskRunning, Source: source,
		Destination: destination, Rate: rate, ToMove: toMove, Started: s.now().UnixMilli()}, cancel: cancel}
	s.tasks[t.Handle] = t
	mt := t.MoveTask
	s.mu.Unlock()
	s.saveTask(mt)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer cancel()
		s.runMove(tctx, q, t)
	}()
	return t.Handle, nil
}

// runMove moves messages until ToMove are moved or none is left.
func (s *Service) runMove(ctx context.Context, q *queue, t *moveTask) {
	var tick *time.Ticker
	if t.Rate > 0 {
		tick = time.NewTicker(time.Second / time.Duration(t.Rate))
		defer tick.Stop()
	}
	finish := func(status, reason string) {
		s.mu.Lock()
		if t.Status == TaskRunning {
			t.Status, t.FailureReason = status, reason
		}
		mt := t.MoveTask
		s.mu.Unlock()
		s.saveTask(mt)
	}
	for {
		s.mu.Lock()
		done := t.Moved >= t.ToMove || t.Status != TaskRunning
		s.mu.Unlock()
		if done {
			finish(TaskCompleted, "")
			return
		}
		if tick != nil {
			select {
			case <-tick.C:
			case <-ctx.Done():
				finish(TaskCancelled, "")
				return
			}
		} else if ctx.Err() != nil {
			finish(TaskCancelled, "")
			return
		}
		q.mu.Lock()
		got, moves, expired := q.take(1, time.Minute, s.now())
		q.mu.Unlock()
		s.drop(ctx, q, expired)
		s.putBack(q, moves) // a DLQ's own policy does not apply while moving
		if len(got) == 0 {
			if len(moves)+len(expired) == 0 {
				finish(TaskCompleted, "")
				return
			}
			continue
		}
		m := got[0]
		r, err := s.recordOf(ctx, q, m)
		if err != nil {
			finish(TaskFailed, "AWS.SimpleQueueService.NonExistentQueue")
			return
		}
		dest := t.Destination
		if dest == "" {
			dest = r.Source
		}
		dname, _ := QueueNameOf(dest)
		dq, err := s.get(dname)
		if err == nil {
			err = s.transfer(ctx, q, dq, m, "")
		}
		if err != nil {
			s.putBack(q, []*msg{m})
			finish(TaskFailed, "AWS.SimpleQueueService.NonExistentQueue")
			return
		}
		q.mu.Lock()
		q.remove(m)
		q.mu.Unlock()
		s.mu.Lock()
		t.Moved++
		s.mu.Unlock()
	}
}

// ListMoveTasks lists the most recent tasks of a source queue, newest
// first.
func (s *Service) ListMoveTasks(source string, max int) ([]MoveTask, error) {
	sname, ok := QueueNameOf(source)
	if !ok || !s.Exists(sname) {
		return nil, fail(CodeResourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	if max == 0 {
		max = 1
	}
	if max < 1 || max > keptTasks {
		return nil, invalidValue("MaxResults", strconv.Itoa(max), "Must be between 1 and 10.")
	}
	s.mu.RLock()
	var out []MoveTask
	for _, t := range s.tasks {
		if t.Source == source {
			out = append(out, t.MoveTask)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b MoveTask) int { return int(b.Started - a.Started) })
	if len(out) > max {
		out = out[:max]
	}
	return out, nil
}

// CancelMoveTask cancels a running task and returns how many messages it
// moved.
func (s *Service) CancelMoveTask(handle string) (int64, error) {
	s.mu.Lock()
	t := s.tasks[handle]
	if t == nil {
		s.mu.Unlock()
		return 0, fail(CodeResourceNotFound, "The resource that you specified for the TaskHandle parameter doesn't exist.")
	}
	if t.Status != TaskRunning {
		s.mu.Unlock()
		return 0, fail(CodeUnsupportedOperation, "Only active tasks can be cancelled.")
	}
	t.Status = TaskCancelled
	moved := t.Moved
	mt := t.MoveTask
	s.mu.Unlock()
	t.cancel()
	s.saveTask(mt)
	return moved, nil
}

func (s *Service) saveTask(t MoveTask) {
	b, _ := json.Marshal(t)
	key := metaTask + uuid.NewSHA1(uuid.Nil, []byte(t.Handle)).String()
	if _, err := s.meta.Put(context.Background(), key, b); err != nil {
		s.o.Logger.Warn("sqs: saving a move task failed", "error", err)
	}
}

// loadTasks reads the tasks kept; one that was running when the node
// stopped failed.
func (s *Service) loadTasks(ctx context.Context) error {
	keys, err := s.meta.ListKeys(ctx)
	if err != nil {
		return err
	}
	for k := range keys.Keys() {
		if len(k) <= len(metaTask) || k[:len(metaTask)] != metaTask {
			continue
		}
		e, err := s.meta.Get(ctx, k)
		if err != nil {
			continue
		}
		var t MoveTask
		if json.Unmarshal(e.Value(), &t) != nil {
			continue
		}
		if t.Status == TaskRunning {
			t.Status, t.FailureReason = TaskFailed, "The task was interrupted by a restart."
		}
		s.tasks[t.Handle] = &moveTask{MoveTask: t, cancel: func() {}}
	}
	return nil
}
