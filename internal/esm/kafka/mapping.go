package kafka

import (
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/esm"
)

// Validate checks a mapping against Lambda's limits for Kafka.
func (mp *Mapping) Validate() error {
	op := errs.Op("kafka.Mapping.Validate")
	bad := func(format string, args ...any) error {
		return errs.E(op, errs.Invalid, mp.UUID, errs.Errorf(format, args...))
	}
	switch {
	case mp.UUID == "":
		return bad("a mapping needs a UUID")
	case mp.Function == "":
		return bad("a mapping needs a function")
	case len(mp.Bootstrap) == 0:
		return bad("a mapping needs bootstrap servers")
	case mp.Topic == "":
		return bad("a mapping needs a topic")
	case mp.BatchSize < 0 || mp.BatchSize > maxBatchSize:
		return bad("BatchSize %d is not between 1 and %d", mp.BatchSize, maxBatchSize)
	case mp.MaxBatchWindow < 0 || mp.MaxBatchWindow > maxBatchWindow:
		return bad("MaximumBatchingWindowInSeconds %v is not between 0 and %v", mp.MaxBatchWindow, maxBatchWindow)
	case mp.StartingPosition != "" && mp.StartingPosition != esm.TrimHorizon && mp.StartingPosition != esm.Latest:
		return bad("StartingPosition %q is not TRIM_HORIZON or LATEST", mp.StartingPosition)
	case mp.MaximumRetryAttempts < forever || mp.MaximumRetryAttempts > maxRetryAttempts:
		return bad("MaximumRetryAttempts %d is not between -1 and %d", mp.MaximumRetryAttempts, maxRetryAttempts)
	}
	switch mp.Auth.Mechanism {
	case AuthNone, AuthPlain, AuthScram256, AuthScram512, AuthMTLS:
	default:
		return bad("unknown authentication %q", mp.Auth.Mechanism)
	}
	return nil
}

// check is Validate for ByUUID: the mapping's UUID and it with its
// defaults, or why it is invalid.
func check(mp *Mapping) (string, Mapping, error) {
	if err := mp.Validate(); err != nil {
		return "", Mapping{}, err
	}
	return mp.UUID, mp.withDefaults(), nil
}

// withDefaults fills in Lambda's defaults for Kafka.
func (mp Mapping) withDefaults() Mapping {
	if mp.BatchSize == 0 {
		mp.BatchSize = defaultBatchSize
	}
	if mp.StartingPosition == "" {
		mp.StartingPosition = esm.Latest
	}
	if mp.MaximumRetryAttempts == forever && mp.OnFailure != nil {
		// Lambda's Kafka mappings cap infinite retries at 10 once an
		// on-failure destination is set.
		mp.MaximumRetryAttempts = retriesWithDestination
	}
	return mp
}

// window is how long a partition's records wait for more.
func (mp *Mapping) window() time.Duration { return mp.MaxBatchWindow }
