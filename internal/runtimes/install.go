package runtimes

import (
	"bytes"
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

// Install writes the embedded bootstrap files, read-only, under dir in a
// subfolder named after their content (writable by Verge's user only), and returns that folder. A folder
// whose files differ from the embedded ones by a byte (one a function
// rewrote) is replaced. It is idempotent and safe to call from several
// processes at once.
func Install(dir string) (string, error) {
	files, sum, err := bootstrapFiles()
	if err != nil {
		return "", err
	}
	dest := filepath.Join(dir, "bootstrap-"+sum)
	if complete(dest, files) {
		return dest, nil
	}
	if err := os.RemoveAll(dest); err != nil {
		return "", fmt.Errorf("runtimes: replace bootstraps in %s: %w", dest, err)
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
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o444); err != nil {
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

// Verify reports whether dir (from Install) still holds the embedded
// bootstraps byte for byte; a sandbox start checks it before running them.
func Verify(dir string) error {
	files, _, err := bootstrapFiles()
	if err != nil {
		return err
	}
	if !complete(dir, files) {
		return fmt.Errorf("runtimes: the bootstraps in %s were changed", dir)
	}
	return nil
}

// complete reports whether dir holds every file with the embedded content.
func complete(dir string, files map[string][]byte) bool {
	for name, data := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, data) {
			return false
		}
	}
	return true
}
