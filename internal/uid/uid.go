// Package uid makes the random (version 4) UUIDs that name requests and
// messages on hot paths.
package uid

import (
	"encoding/binary"
	"math/rand/v2"

	"github.com/google/uuid"
)

// New is a random (version 4) UUID from the runtime's ChaCha8 generator:
// as unique as uuid.NewString's, without reading the kernel's random
// source on every call. Nothing may rely on it being secret.
func New() string {
	var u uuid.UUID
	binary.LittleEndian.PutUint64(u[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(u[8:], rand.Uint64())
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u.String()
}
