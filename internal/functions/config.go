package functions

import (
	"crypto/sha256"
	"encoding/base64"
	"sort"
	"strconv"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/stack"
)

// A Config is what Lambda's GetFunctionConfiguration tells of one version
// of a function: the AWS API's read side shows it.
type Config struct {
	Name, Version    string // Version is "$LATEST" or a number
	Runtime, Handler string
	MemoryMB         int
	TimeoutSeconds   int
	// Environment is the user's variables.
	Environment map[string]string
	// CodeSHA256 is the base64 SHA-256 Lambda reports; here of the build's
	// content hash, so it changes exactly when the code does.
	CodeSHA256 string
	CodeSize   int64
	// Modified is when this version was installed.
	Modified time.Time
	// ReservedConcurrency is nil when the function has none.
	ReservedConcurrency *int
	LogGroup            string
	// MaxRetryAttempts and MaxEventAgeSeconds configure asynchronous
	// invocations; OnSuccess and OnFailure are their destinations' ARNs
	// ("" for none).
	MaxRetryAttempts, MaxEventAgeSeconds int
	OnSuccess, OnFailure                 string
}

// Limits are the account's concurrency limit and what reserved
// concurrency leaves of it.
func (s *Service) Limits() (account, unreserved int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.Concurrency, s.opts.Concurrency - s.reserved
}

// Configs returns the $LATEST configuration of every function, by name.
func (s *Service) Configs() []Config {
	s.mu.Lock()
	fs := make([]*function, 0, len(s.funcs))
	for _, f := range s.funcs {
		fs = append(fs, f)
	}
	s.mu.Unlock()
	out := make([]Config, 0, len(fs))
	for _, f := range fs {
		f.mu.Lock()
		if f.latest != nil {
			out = append(out, f.latest.config())
		}
		f.mu.Unlock()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Config returns the configuration of the version name and qualifier
// designate ("" is $LATEST): an errs.NotFound error when there is none.
func (s *Service) Config(name, qualifier string) (Config, error) {
	v, err := s.lookup(name, qualifier)
	if err != nil {
		return Config{}, err
	}
	return v.config(), nil
}

// Versions returns $LATEST and the published versions of a function, in
// Lambda's order ($LATEST, then by number).
func (s *Service) Versions(name string) ([]Config, error) {
	latest, err := s.lookup(name, "")
	if err != nil {
		return nil, err
	}
	f := latest.fn
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []Config{f.latest.config()}
	nums := make([]int, 0, len(f.numbered))
	for n := range f.numbered {
		i, _ := strconv.Atoi(n)
		nums = append(nums, i)
	}
	sort.Ints(nums)
	for _, n := range nums {
		out = append(out, f.numbered[strconv.Itoa(n)].config())
	}
	return out, nil
}

// config describes v; its fields are immutable once v exists.
func (v *version) config() Config {
	c := Config{
		Name: v.fn.name, Version: v.name, Runtime: v.rt.ID, Handler: v.art.Handler,
		MemoryMB: v.cfg.MemoryMB, TimeoutSeconds: v.cfg.TimeoutSeconds,
		CodeSize: v.art.Size, Modified: v.installed, ReservedConcurrency: v.cfg.ReservedConcurrency,
		LogGroup: logGroupName(v.fn.name),
	}
	a := v.cfg.Async
	c.MaxRetryAttempts, c.MaxEventAgeSeconds = a.MaxRetryAttempts, a.MaxEventAgeSeconds
	c.OnSuccess, c.OnFailure = destinationARN(a.OnSuccess), destinationARN(a.OnFailure)
	sum := sha256.Sum256([]byte(v.art.Hash))
	c.CodeSHA256 = base64.StdEncoding.EncodeToString(sum[:])
	if len(v.cfg.Environment) > 0 {
		c.Environment = make(map[string]string, len(v.cfg.Environment))
		for _, e := range v.cfg.Environment {
			c.Environment[e.Name] = e.Value
		}
	}
	return c
}

// destinationARN is an asynchronous destination's ARN, "" for none.
func destinationARN(d *stack.Destination) string {
	switch {
	case d == nil:
		return ""
	case d.Kind == stack.DestinationEventBus:
		return arn.EventBus(d.Name)
	case d.Kind == stack.DestinationQueue:
		return arn.Queue(d.Name)
	case d.Kind == stack.DestinationTopic:
		return arn.Topic(d.Name)
	}
	return arn.Function(d.Name, "")
}
