//go:build !linux

package watch

// newSource is fsnotify: closes after writing are not reported here.
func newSource(root string, out chan<- event, done <-chan struct{}, _ bool) (source, error) {
	return newNotify(root, out, done)
}
