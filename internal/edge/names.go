package edge

import (
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"sync/atomic"

	"github.com/verge-edge/verge/internal/stack"
)

// names are the header values that carry the node's name, built once so the
// hit path assigns shared slices instead of formatting strings.
type names struct {
	xcacheHit, xcacheMiss, xcacheRefresh, xcacheError, xcacheGenerated []string
	xcacheLambdaGenerated                                              []string
	from                                                               string // " from NAME"
	via                                                                []string
	// Cache-Status (RFC 9211) values.
	cacheStatusHit, cacheStatusStaleHit, cacheStatusMissStored, cacheStatusMiss,
	cacheStatusBypass, cacheStatusRefresh, cacheStatusStaleIfError, cacheStatusFwdError string
}

func newNames(name string) names {
	from := " from " + name
	return names{
		xcacheHit:               []string{resultHit + from},
		xcacheMiss:              []string{resultMiss + from},
		xcacheRefresh:           []string{resultRefreshHit + from},
		xcacheError:             []string{resultError + from},
		xcacheGenerated:         []string{resultGenerated + from},
		xcacheLambdaGenerated:   []string{resultLambdaGenerated + from},
		from:                    from,
		via:                     []string{"1.1 " + name + " (Verge)"},
		cacheStatusHit:          name + "; hit",
		cacheStatusStaleHit:     name + "; hit; detail=stale-while-revalidate",
		cacheStatusMissStored:   name + "; fwd=uri-miss; stored",
		cacheStatusMiss:         name + "; fwd=uri-miss",
		cacheStatusBypass:       name + "; fwd=bypass",
		cacheStatusRefresh:      name + "; fwd=stale; fwd-status=304",
		cacheStatusStaleIfError: name + "; fwd=stale; detail=stale-if-error",
		cacheStatusFwdError:     name + "; fwd=uri-miss; detail=error",
	}
}

// idGen makes request ids: a random per-process prefix and a counter, so an
// id costs one small allocation and never repeats within a process.
type idGen struct {
	prefix []byte
	n      atomic.Uint64
}

func newIDGen() *idGen {
	var b [12]byte
	rand.Read(b[:])
	p := make([]byte, base64.RawURLEncoding.EncodedLen(len(b)), 64)
	base64.RawURLEncoding.Encode(p, b[:])
	return &idGen{prefix: append(p, '-')}
}

func (g *idGen) next() string {
	var buf [48]byte
	b := append(buf[:0], g.prefix...)
	b = strconv.AppendUint(b, g.n.Add(1), 36)
	return string(b)
}

func itoa(n int) string { return strconv.Itoa(n) }

// generatedBy is X-Cache for a response fn generated.
func (n *names) generatedBy(fn *stack.FunctionRef) []string {
	if fn != nil && fn.Type == stack.TypeEdgeLambdaFunction {
		return n.xcacheLambdaGenerated
	}
	return n.xcacheGenerated
}
