package watch

// op is what happened to a path.
type op uint8

const (
	opCreate     op = iota + 1 // created in place (a write may follow)
	opMovedIn                  // moved in from elsewhere: complete
	opWrite                    // written to; more may follow
	opCloseWrite               // closed after being opened for writing
	opRemove                   // removed
	opMovedOut                 // moved away
	opOverflow                 // events were lost
	opError                    // the source failed; err says why
)

// An event is one change a source reports.
type event struct {
	rel string // slash-separated, relative to the root
	op  op
	dir bool // rel is (or was) a folder, when the source can tell
	err error
}

// A source reports the changes in the folders it watches on the channel it
// was made with. Its methods are called from one goroutine.
type source interface {
	// add watches folder rel (not its subfolders).
	add(rel string) error
	// remove stops watching rel and the folders under it.
	remove(rel string)
	// closes reports whether opCloseWrite is reported.
	closes() bool
	// close stops the source and waits for its goroutine.
	close() error
}
