package runtimes

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

//go:embed bootstrap/bootstrap.cjs bootstrap/bootstrap.py
var bootstraps embed.FS

// Install writes the embedded bootstrap files under dir, in a subfolder
// named after their content, and returns that folder. It is idempotent and
// safe to call from several processes at once.
func Install(dir string) (string, error) {
	files, sum, err := bootstrapFiles()
	if err != nil {
		return "", err
	}
	dest := filepath.Join(dir, "bootstrap-"+sum)
	if complete(dest, files) {
		return dest, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("runtimes: install bootstraps: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".bootstrap-*")
	if err != nil {
		return "", fmt.Errorf("runtimes: install bootstraps: %w", err)
	}
	defer os.RemoveAll(tmp)
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			return "", fmt.Errorf("runtimes: install bootstrap %s: %w", name, err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("runtimes: install bootstraps: %w", err)
	}
	if err := os.Rename(tmp, dest); err != nil && !complete(dest, files) {
		return "", fmt.Errorf("runtimes: install bootstraps in %s: %w", dest, err)
	}
	return dest, nil
}

// bootstrapFiles returns the embedded files by base name and a short hash of them all.
func bootstrapFiles() (map[string][]byte, string, error) {
	entries, err := fs.ReadDir(bootstraps, "bootstrap")
	if err != nil {
		return nil, "", fmt.Errorf("runtimes: embedded bootstraps: %w", err)
	}
	names := make([]string, 0, len(entries))
	files := map[string][]byte{}
	for _, e := range entries {
		data, err := bootstraps.ReadFile("bootstrap/" + e.Name())
		if err != nil {
			return nil, "", fmt.Errorf("runtimes: embedded bootstrap %s: %w", e.Name(), err)
		}
		files[e.Name()] = data
		names = append(names, e.Name())
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(files[n]))
		h.Write(files[n])
	}
	return files, hex.EncodeToString(h.Sum(nil))[:16], nil
}

// complete reports whether dir holds every file (the name is the content's
// hash, so existence with the right sizes is enough).
func complete(dir string, files map[string][]byte) bool {
	for name, data := range files {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.Size() != int64(len(data)) {
			return false
		}
	}
	return true
}
