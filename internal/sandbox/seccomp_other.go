//go:build !amd64 && !arm64

package sandbox

// auditArch is 0 where the filter is not built: no seccomp, no_new_privs only.
const auditArch = 0
