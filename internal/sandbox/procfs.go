package sandbox

import (
	"bytes"
	"os"
	"strconv"
	"time"
)

// parseStatusKB returns the value in bytes of a "Key:   123 kB" line of a
// /proc/PID/status file.
func parseStatusKB(status []byte, key string) (int64, bool) {
	for line := range bytes.Lines(status) {
		rest, ok := bytes.CutPrefix(line, []byte(key+":"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) < 1 {
			return 0, false
		}
		n, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil || n < 0 || n > 1<<40 {
			return 0, false
		}
		if len(f) > 1 && string(f[1]) == "kB" {
			n *= 1024
		}
		return n, true
	}
	return 0, false
}

// parseStatPPID returns the parent pid in a /proc/PID/stat line. The command
// name may hold spaces and parentheses, so fields count from the last ')'.
func parseStatPPID(stat []byte) (int, bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := bytes.Fields(stat[i+1:])
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(string(f[1]))
	if err != nil || ppid < 0 {
		return 0, false
	}
	return ppid, true
}

// parseMemoryEvents returns the oom_kill counter of a cgroup v2
// memory.events file.
func parseMemoryEvents(data []byte) (oomKills int64, ok bool) {
	for line := range bytes.Lines(data) {
		f := bytes.Fields(line)
		if len(f) == 2 && string(f[0]) == "oom_kill" {
			n, err := strconv.ParseInt(string(f[1]), 10, 64)
			return n, err == nil && n >= 0
		}
	}
	return 0, false
}

// parents maps every visible pid to its parent pid.
func parents() map[int]int {
	m := make(map[int]int)
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return m
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		if ppid, ok := parseStatPPID(data); ok {
			m[pid] = ppid
		}
	}
	return m
}

// descendants returns every process whose parent chain leads to root.
func descendants(root int) []int {
	children := make(map[int][]int)
	for pid, ppid := range parents() {
		children[ppid] = append(children[ppid], pid)
	}
	var out []int
	queue := []int{root}
	seen := map[int]bool{root: true}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
				queue = append(queue, c)
			}
		}
	}
	return out
}

// withEnv returns the processes whose initial environment holds the entry kv
// exactly. A sandbox's TMPDIR is unique to it, so this finds its daemons
// even after they setsid() and are reparented out of its tree. A process in
// the middle of execve shows an empty environment for a moment, so those are
// read again, a few times.
func withEnv(kv string) []int {
	want := append([]byte(kv), 0)
	var out []int
	pending := allPids()
	for round := 0; len(pending) > 0 && round < envRounds; round++ {
		if round > 0 {
			time.Sleep(time.Millisecond)
		}
		var again []int
		for _, pid := range pending {
			env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
			switch {
			case err != nil: // gone, or not ours to read
			case len(env) > 0:
				if hasEntry(env, want) {
					out = append(out, pid)
				}
			case unsettled(pid):
				again = append(again, pid)
			}
		}
		pending = again
	}
	return out
}

// allPids lists the visible processes.
func allPids() []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// unsettled reports whether an empty environment of pid may be an execve in
// progress: it is neither a kernel thread nor a zombie.
func unsettled(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || len(stat) < i+3 || stat[i+2] == 'Z' {
		return false
	}
	ppid, ok := parseStatPPID(stat)
	return ok && pid != kthreadd && ppid != kthreadd
}

// hasEntry reports whether the NUL-separated list holds entry (NUL-terminated).
func hasEntry(list, entry []byte) bool {
	return bytes.HasPrefix(list, entry) || bytes.Contains(list, append([]byte{0}, entry...))
}
