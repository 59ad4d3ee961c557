package origin

import "github.com/verge-edge/verge/internal/mimetype"

// contentType is the Content-Type of the bucket object at name, from its
// extension (internal/mimetype, shared with the bucket store).
func contentType(name string) string { return mimetype.Of(name) }
