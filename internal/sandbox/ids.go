package sandbox

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"strings"
	"sync"
)

// A sandbox's user. Where Verge runs as root, each sandbox gets a host uid
// and gid of its own, taken from a subordinate range (root's line in
// /etc/subuid and /etc/subgid, else defaultIDBase): its files, processes
// and process count are its own, and it holds no capability on the host.
// Inside its user namespace it is Lambda's sbx_user1051 (uid 993, gid 990);
// uid 0 inside maps to root only while the shim builds the root, and the
// shim gives it up for good before the exec.
//
// Elsewhere (Verge as an ordinary user) the kernel lets a process map its
// own uid only, so the sandbox is that user with every capability dropped.

const (
	// sandboxUID and sandboxGID are the runtime's ids inside its
	// namespace, Lambda's.
	sandboxUID = 993
	sandboxGID = 990
	// defaultIDBase and defaultIDCount are the host ids sandboxes use when
	// root has no subordinate range: far above login users and the ranges
	// container tools allocate from 100000.
	defaultIDBase  = 1_000_000_000
	defaultIDCount = 65536
	subUIDFile     = "/etc/subuid"
	subGIDFile     = "/etc/subgid"
)

// idRange is a subordinate id range.
type idRange struct {
	Base, Count int
}

// parseSubIDs returns the first range of /etc/subuid-format text r whose
// owner is name or uid: "owner:base:count" lines.
func parseSubIDs(r io.Reader, name, uid string) (idRange, bool) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ":")
		if len(f) != 3 || (f[0] != name && f[0] != uid) {
			continue
		}
		base, err1 := strconv.ParseUint(f[1], 10, 32)
		count, err2 := strconv.ParseUint(f[2], 10, 32)
		if err1 != nil || err2 != nil || count == 0 || base == 0 || base+count > 1<<32-1 {
			continue
		}
		return idRange{int(base), int(count)}, true
	}
	return idRange{}, false
}

// subIDs returns this process's subordinate range from file, or the
// default one.
func subIDs(file string) idRange {
	name, uid := "root", strconv.Itoa(os.Getuid())
	if u, err := user.LookupId(uid); err == nil {
		name = u.Username
	}
	if f, err := os.Open(file); err == nil {
		defer f.Close()
		if r, ok := parseSubIDs(f, name, uid); ok {
			return r
		}
	}
	return idRange{defaultIDBase, defaultIDCount}
}

// idPool hands out the slots of a uid range and a gid range of the same
// length, one per live sandbox. Another Verge on the same host starts its
// search elsewhere (by process id), so two nodes rarely share a uid.
type idPool struct {
	uids, gids idRange
	mu         sync.Mutex
	used       map[int]bool
	next       int
}

func newIDPool(uids, gids idRange) *idPool {
	n := min(uids.Count, gids.Count)
	uids.Count, gids.Count = n, n
	return &idPool{uids: uids, gids: gids, used: map[int]bool{}, next: os.Getpid() * 64 % n}
}

// take returns a free slot's host uid and gid.
func (p *idPool) take() (slot, uid, gid int, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := 0; i < p.uids.Count; i++ {
		s := (p.next + i) % p.uids.Count
		if !p.used[s] {
			p.used[s] = true
			p.next = s + 1
			return s, p.uids.Base + s, p.gids.Base + s, nil
		}
	}
	return 0, 0, 0, fmt.Errorf("all %d sandbox uids are in use", p.uids.Count)
}

// give returns a slot once its sandbox's processes are gone.
func (p *idPool) give(slot int) {
	p.mu.Lock()
	delete(p.used, slot)
	p.mu.Unlock()
}
