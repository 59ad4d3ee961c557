package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// A sandbox's root is a tmpfs holding only what its runtime needs, each
// piece bound at the path it has on the host (so the paths in the
// runtime's environment stay true): the system folders, the runtime's
// install folder, the bootstrap folder, the task root, a few device nodes,
// a private /tmp and a /proc of the sandbox's own PID namespace. The shim
// builds it in its mount namespace and pivots into it; the host's root is
// then detached, so nothing else of the host — the stack folder, the data
// folder, other functions, the host's /proc — has a path in the sandbox.

// A rootMount is one entry of a sandbox's root.
type rootMount struct {
	Path  string `json:"path"`            // absolute, the same inside and outside
	Link  string `json:"link,omitempty"`  // make a symbolic link to this instead of a bind
	Write bool   `json:"write,omitempty"` // a device node: read-write, device access kept
}

// systemDirs are the host folders every runtime may need, read-only. /etc
// is among them for the resolver, certificates and the dynamic linker's
// cache; its secrets are not readable by the sandbox's user.
var systemDirs = []string{"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/usr", "/etc"}

// deviceNodes are the device files a sandbox gets (Lambda's /dev has these
// and no /dev/shm).
var deviceNodes = []string{"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"}

// deviceLinks are /dev's usual links into /proc.
var deviceLinks = [][2]string{
	{"/dev/fd", "/proc/self/fd"}, {"/dev/stdin", "/proc/self/fd/0"},
	{"/dev/stdout", "/proc/self/fd/1"}, {"/dev/stderr", "/proc/self/fd/2"},
}

// rootPlan returns the entries of s's root: the system folders (a symbolic
// link stays one, as /bin → usr/bin on merged-/usr systems), the runtime's
// install folder when it lies outside them, s.Paths and the task root,
// read-only; the device nodes read-write. Folders inside another entry are
// left out: they are visible already.
func rootPlan(s Spec) []rootMount {
	var plan []rootMount
	for _, d := range systemDirs {
		fi, err := os.Lstat(d)
		switch {
		case err != nil:
		case fi.Mode()&os.ModeSymlink != 0:
			if target, err := os.Readlink(d); err == nil {
				plan = append(plan, rootMount{Path: d, Link: target})
			}
		case fi.IsDir():
			plan = append(plan, rootMount{Path: d})
		}
	}
	var dirs []string
	if prefix := installPrefix(s.Path); prefix != "" {
		dirs = append(dirs, prefix)
	}
	dirs = append(dirs, s.Paths...)
	if s.Dir != "" && s.Dir != "/" {
		dirs = append(dirs, s.Dir)
	}
	for i := range dirs {
		dirs[i] = filepath.Clean(dirs[i])
	}
	sort.Strings(dirs) // a folder before those inside it
	for _, d := range dirs {
		if !covered(plan, d) {
			plan = append(plan, rootMount{Path: d})
		}
	}
	for _, d := range deviceNodes {
		if _, err := os.Stat(d); err == nil {
			plan = append(plan, rootMount{Path: d, Write: true})
		}
	}
	for _, l := range deviceLinks {
		plan = append(plan, rootMount{Path: l[0], Link: l[1]})
	}
	return plan
}

// installPrefix returns the folder an executable's installation lives in:
// the parent of its bin folder (pyenv's and nvm's layouts, whose standard
// library sits beside bin), else its own folder. Symbolic links are
// resolved first: a pyenv shim or /usr/bin/node → /opt/node/bin/node.
func installPrefix(exe string) string {
	real, err := filepath.EvalSymlinks(exe)
	if err != nil {
		return ""
	}
	dir := filepath.Dir(real)
	if filepath.Base(dir) == "bin" {
		return filepath.Dir(dir)
	}
	return dir
}

// covered reports whether path is inside a folder of the plan, through the
// host's symbolic links too (/lib/x is inside /usr when /lib → usr/lib).
func covered(plan []rootMount, path string) bool {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		real = path
	}
	for _, m := range plan {
		if m.Link != "" || m.Write {
			continue
		}
		for _, p := range []string{path, real} {
			if p == m.Path || strings.HasPrefix(p, m.Path+"/") {
				return true
			}
		}
	}
	return false
}

// stagingDir is where the shim assembles the new root before pivoting into
// it. The host's /tmp is hidden in the shim's namespace from then on, so
// every source is opened before the staging tmpfs is mounted.
const stagingDir = "/tmp"

// enterRoot builds the sandbox's root from cfg.Root and pivots into it; it
// runs in the shim, in the sandbox's new mount, user and PID namespaces.
func enterRoot(cfg shimConfig) error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("sandbox shim: make mounts private: %v", err)
	}
	plan := append([]rootMount(nil), cfg.Root...)
	sort.SliceStable(plan, func(i, j int) bool { return plan[i].Path < plan[j].Path })
	fds, err := openSources(plan)
	if err != nil {
		return err
	}
	defer closeAll(fds)
	if err := unix.Mount("verge-root", stagingDir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "size=1m,mode=0755"); err != nil {
		return fmt.Errorf("sandbox shim: mount the root tmpfs: %v", err)
	}
	if err := mountTmp(stagingDir+privateTmp, cfg.TmpMB); err != nil {
		return err
	}
	for i, m := range plan {
		if err := place(m, fds[i]); err != nil {
			return err
		}
	}
	if err := mountProc(stagingDir + "/proc"); err != nil {
		return err
	}
	return pivot(cfg.Dir)
}

// openSources opens every bind's source, so that binds work by descriptor
// whatever the staging tmpfs hides; -1 for links.
func openSources(plan []rootMount) ([]int, error) {
	fds := make([]int, len(plan))
	for i, m := range plan {
		fds[i] = -1
		if m.Link != "" {
			continue
		}
		fd, err := unix.Open(m.Path, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			closeAll(fds[:i])
			return nil, fmt.Errorf("sandbox shim: open %s for the sandbox's root: %v", m.Path, err)
		}
		fds[i] = fd
	}
	return fds, nil
}

func closeAll(fds []int) {
	for _, fd := range fds {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
}

// mountTmp mounts the sandbox's private /tmp: size-capped, sticky, and
// under the new root, so unmounting it would reveal nothing of the host.
func mountTmp(dir string, sizeMB int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sandbox shim: create %s: %v", dir, err)
	}
	opts := fmt.Sprintf("size=%dm,mode=1777", max(sizeMB, 1))
	if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, opts); err != nil {
		return fmt.Errorf("sandbox shim: mount tmpfs on %s: %v", privateTmp, err)
	}
	return nil
}

// place adds one entry to the staged root.
func place(m rootMount, fd int) error {
	target := stagingDir + m.Path
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return fmt.Errorf("sandbox shim: create %s: %v", filepath.Dir(m.Path), err)
	}
	if m.Link != "" {
		if err := os.Symlink(m.Link, target); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("sandbox shim: link %s: %v", m.Path, err)
		}
		return nil
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("sandbox shim: stat %s: %v", m.Path, err)
	}
	if err := mountPoint(target, st.Mode&unix.S_IFMT == unix.S_IFDIR); err != nil {
		return fmt.Errorf("sandbox shim: create %s: %v", m.Path, err)
	}
	src := fmt.Sprintf("/proc/self/fd/%d", fd)
	if err := unix.Mount(src, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("sandbox shim: bind %s: %v", m.Path, err)
	}
	flags := uintptr(unix.MS_NOSUID)
	if !m.Write {
		flags |= unix.MS_RDONLY | unix.MS_NODEV
	}
	return remount(target, m.Path, flags)
}

// mountPoint creates an empty folder or file to bind onto.
func mountPoint(target string, dir bool) error {
	if dir {
		return os.MkdirAll(target, 0o755)
	}
	f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// remount adds flags to the bind at target. In a user namespace a remount
// must repeat the flags the host's mount has (they are locked), so they
// are read back first.
func remount(target, name string, flags uintptr) error {
	var fs unix.Statfs_t
	if err := unix.Statfs(target, &fs); err != nil {
		return fmt.Errorf("sandbox shim: statfs %s: %v", name, err)
	}
	for _, f := range []struct{ st, ms uintptr }{
		{unix.ST_NOSUID, unix.MS_NOSUID}, {unix.ST_NODEV, unix.MS_NODEV}, {unix.ST_NOEXEC, unix.MS_NOEXEC},
		{unix.ST_NOATIME, unix.MS_NOATIME}, {unix.ST_NODIRATIME, unix.MS_NODIRATIME}, {unix.ST_RELATIME, unix.MS_RELATIME},
		{unix.ST_RDONLY, unix.MS_RDONLY},
	} {
		if uintptr(fs.Flags)&f.st != 0 {
			flags |= f.ms
		}
	}
	if err := unix.Mount("", target, "", unix.MS_REMOUNT|unix.MS_BIND|flags, ""); err != nil {
		return fmt.Errorf("sandbox shim: remount %s read-only: %v", name, err)
	}
	return nil
}

// mountProc mounts a proc of the sandbox's own PID namespace: it lists the
// sandbox's processes only.
func mountProc(dir string) error {
	if err := os.MkdirAll(dir, 0o555); err != nil {
		return fmt.Errorf("sandbox shim: create /proc: %v", err)
	}
	if err := unix.Mount("proc", dir, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("sandbox shim: mount /proc: %v", err)
	}
	return nil
}

// pivot makes the staged root the root, detaches the host's, makes the
// root tmpfs read-only and enters dir.
func pivot(dir string) error {
	if err := unix.Chdir(stagingDir); err != nil {
		return fmt.Errorf("sandbox shim: chdir to the new root: %v", err)
	}
	// pivot_root(".", ".") stacks the old root on the new one; detaching it
	// leaves the new root alone (runc's way, with no folder for the old one).
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("sandbox shim: pivot_root: %v", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("sandbox shim: detach the host's root: %v", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return fmt.Errorf("sandbox shim: chdir /: %v", err)
	}
	if err := remount("/", "/", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV); err != nil {
		return err
	}
	if dir == "" {
		dir = "/"
	}
	if err := unix.Chdir(dir); err != nil {
		return fmt.Errorf("sandbox shim: chdir %s: %v", dir, err)
	}
	return nil
}
