package dispatch

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/functions/async"
	"github.com/verge-edge/verge/internal/stack"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
	"github.com/verge-edge/verge/internal/triggers/pattern"
	"github.com/verge-edge/verge/internal/triggers/schedule"
)

// A Queue takes asynchronous invocations: *async.Queue.
type Queue interface {
	Enqueue(ctx context.Context, function string, payload []byte) (string, error)
	Configure(fns map[string]async.Config)
	Pending() map[string]int
}

// Options configure a Dispatcher.
type Options struct {
	// Queue runs the invocations.
	Queue Queue
	// Logger receives deliveries that could not be made.
	Logger *slog.Logger
	// Clock drives the schedules; nil is the real clock.
	Clock schedule.Clock
}

// A Dispatcher routes events of the loaded plan to the queue.
type Dispatcher struct {
	opts  Options
	sched *schedule.Scheduler
	state atomic.Pointer[state]
	mu    sync.Mutex // serialises commits
}

// state is one loaded plan, immutable once published.
type state struct {
	router    *eventbus.Router
	buses     map[string]bool
	schedules map[string]*scheduled // by entry name
}

// scheduled is one schedule event of a function.
type scheduled struct {
	function string
	rule     string // the EventBridge rule's name
	input    eventbus.Input
}

// New returns a Dispatcher with nothing loaded; Close stops its scheduler.
func New(o Options) *Dispatcher {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	d := &Dispatcher{opts: o}
	var opts []schedule.Option
	if o.Clock != nil {
		opts = append(opts, schedule.WithClock(o.Clock))
	}
	opts = append(opts, schedule.WithLogger(o.Logger))
	d.sched = schedule.New(d.fire, opts...)
	return d
}

// Load makes plan's buses, rules and schedules live and configures the
// queue with its functions. On an error nothing changes.
func (d *Dispatcher) Load(plan *stack.Plan) error {
	st, err := d.Prepare(plan)
	if err != nil {
		return err
	}
	st.Commit()
	return nil
}

// Prepare compiles plan's buses, rules and schedules without changing what
// runs; the result's Commit makes them live.
func (d *Dispatcher) Prepare(plan *stack.Plan) (*Staged, error) {
	const op errs.Op = "dispatch.Load"
	st := &state{buses: map[string]bool{stack.DefaultEventBus: true}, schedules: map[string]*scheduled{}}
	for _, b := range plan.EventBuses {
		st.buses[b.Name] = true
	}
	var rules []*eventbus.Rule
	for _, br := range plan.BusRules {
		p, err := pattern.Compile(br.Pattern)
		if err != nil {
			return nil, errs.E(op, errs.Invalid, br.Function, err)
		}
		rules = append(rules, &eventbus.Rule{Name: RuleName(br.Function, "event-bus", br.Index), Bus: br.Bus,
			Target: br.Function, Matcher: p, Input: input(br.Input)})
	}
	st.router = eventbus.NewRouter(rules)
	var entries []schedule.Entry
	for _, s := range plan.Schedules {
		sc, err := schedule.Parse(s.Expression)
		if err != nil {
			return nil, errs.E(op, errs.Invalid, s.Function, err)
		}
		name := RuleName(s.Function, "schedule", s.Index)
		st.schedules[name] = &scheduled{function: s.Function, rule: name, input: input(s.Input)}
		entries = append(entries, schedule.Entry{Name: name, Schedule: sc})
	}
	cfg := map[string]async.Config{}
	for name, fn := range plan.Functions {
		cfg[name] = config(fn)
	}
	return &Staged{d: d, st: st, entries: entries, cfg: cfg}, nil
}

// Staged is a compiled plan waiting to be committed or discarded.
type Staged struct {
	d       *Dispatcher
	st      *state
	entries []schedule.Entry
	cfg     map[string]async.Config
}

// Commit configures the queue's functions and makes the rules and
// schedules live; it cannot fail.
func (p *Staged) Commit() {
	p.d.mu.Lock()
	defer p.d.mu.Unlock()
	p.d.opts.Queue.Configure(p.cfg)
	p.d.state.Store(p.st)
	p.d.sched.Set(p.entries)
}

// Discard drops a staged plan (it holds nothing that needs closing).
func (p *Staged) Discard() {}

// RuleName names the EventBridge rule of a function's event, as a stack
// deployment would: FUNCTION-TYPE-INDEX.
func RuleName(function, typ string, index int) string {
	return function + "-" + typ + "-" + strconv.Itoa(index)
}

func input(in stack.TargetInput) eventbus.Input {
	out := eventbus.Input{Input: in.Input, InputPath: in.InputPath}
	if t := in.Transformer; t != nil {
		out.Transformer = &eventbus.Transformer{PathsMap: t.PathsMap, Template: t.Template}
	}
	return out
}

// config is a function's asynchronous invocation settings.
func config(fn *stack.Function) async.Config {
	c := async.Config{MaxRetryAttempts: fn.Async.MaxRetryAttempts,
		MaxEventAge: time.Duration(fn.Async.MaxEventAgeSeconds) * time.Second,
		Timeout:     time.Duration(fn.TimeoutSeconds) * time.Second}
	c.OnSuccess = destination(fn.Async.OnSuccess)
	c.OnFailure = destination(fn.Async.OnFailure)
	// The queue runs no more of the function's events at once than the
	// function may run. A reserved concurrency of 0 throttles every
	// invocation: one at a time still tries, so the events back off and
	// reach their maximum age (and OnFailure), as on Lambda.
	if r := fn.ReservedConcurrency; r != nil {
		c.Concurrency = max(*r, 1)
	}
	return c
}

// destinationKinds are the queue's names for the stack's destination kinds.
var destinationKinds = map[stack.DestinationKind]string{
	stack.DestinationFunction: async.KindFunction,
	stack.DestinationEventBus: async.KindEventBus,
	stack.DestinationQueue:    async.KindQueue,
	stack.DestinationTopic:    async.KindTopic,
}

func destination(d *stack.Destination) *async.Destination {
	if d == nil {
		return nil
	}
	kind, ok := destinationKinds[d.Kind]
	if !ok {
		kind = async.KindFunction
	}
	return &async.Destination{Kind: kind, Name: d.Name}
}

// Publish puts an event (an EventBridge envelope) on bus: each rule it
// matches becomes an asynchronous invocation of the rule's function. It
// implements eventbus.Publisher and the queue's event-bus destinations.
func (d *Dispatcher) Publish(ctx context.Context, bus string, event []byte) error {
	st := d.state.Load()
	if st == nil {
		return errs.E(errs.Unavailable, "no stack loaded")
	}
	var first error
	for _, dl := range st.router.Route(bus, event) {
		if dl.Err != nil {
			d.opts.Logger.Warn("event not delivered: the rule's input does not apply", "rule", dl.Rule.Name, "function", dl.Rule.Target, "err", dl.Err)
			continue
		}
		if _, err := d.opts.Queue.Enqueue(ctx, dl.Rule.Target, dl.Payload); err != nil && first == nil {
			first = fmt.Errorf("rule %s: %w", dl.Rule.Name, err)
		}
	}
	return first
}

// HasBus reports whether bus exists in the loaded plan (the default bus
// always does).
func (d *Dispatcher) HasBus(bus string) bool {
	st := d.state.Load()
	return st != nil && st.buses[eventbus.BusName(bus)]
}

// fire sends one schedule's event; the scheduler calls it at each time.
func (d *Dispatcher) fire(name string, at time.Time) {
	st := d.state.Load()
	if st == nil {
		return
	}
	s := st.schedules[name]
	if s == nil {
		return
	}
	ruleARN := schedule.RuleARN(s.rule)
	payload, err := s.input.ApplyVars(schedule.Event(ruleARN, at), eventbus.Vars{RuleName: s.rule, RuleARN: ruleARN, IngestionTime: at})
	if err != nil {
		d.opts.Logger.Warn("schedule not delivered: its input does not apply", "rule", s.rule, "function", s.function, "err", err)
		return
	}
	// The scheduler waits for fire: a slow store must not hold up the
	// other schedules for long.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := d.opts.Queue.Enqueue(ctx, s.function, payload); err != nil {
		d.opts.Logger.Error("schedule not delivered", "rule", s.rule, "function", s.function, "err", err)
	}
}

// Trigger fires the schedules of function now, as `verge trigger` asks; it
// returns how many it fired.
func (d *Dispatcher) Trigger(function string) int {
	st := d.state.Load()
	if st == nil {
		return 0
	}
	n := 0
	for name, s := range st.schedules {
		if s.function == function && d.sched.Fire(name) {
			n++
		}
	}
	return n
}

// Pending counts the queued asynchronous events per function.
func (d *Dispatcher) Pending() map[string]int { return d.opts.Queue.Pending() }

// NextTimes returns each schedule's next fire time, by rule name.
func (d *Dispatcher) NextTimes() map[string]time.Time { return d.sched.NextTimes() }

// Close stops the schedules.
func (d *Dispatcher) Close() { d.sched.Close() }
