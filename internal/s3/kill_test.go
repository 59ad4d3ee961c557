package s3

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// killEnv carries "MODE DATA BUCKET" to the helper process TestKill starts.
const killEnv = "VERGE_S3_KILL_HELPER"

const (
	killPutSize = 24 << 20
	killPart2   = 3 << 20
)

// TestKill: a process writing objects over and over (large Puts; multipart
// Completes) is killed with SIGKILL at a random moment of a write; after a
// restart each key is missing or holds exactly one whole version, and no
// temporary file is left or visible.
func TestKill(t *testing.T) {
	if v := os.Getenv(killEnv); v != "" {
		killHelper(v)
		return
	}
	if testing.Short() {
		t.Skip("starts processes")
	}
	for _, mode := range []string{"put", "multipart"} {
		for round := range 3 {
			t.Run(fmt.Sprintf("%s/%d", mode, round), func(t *testing.T) {
				data, dir := t.TempDir(), t.TempDir()
				// Round 0 kills during the first write: the key must not exist.
				writes := 1 + round*2
				killDuring(t, mode, data, dir, writes, time.Duration(rand.IntN(40))*time.Millisecond)
				checkAfterKill(t, mode, data, dir)
			})
		}
	}
}

// killDuring starts the helper and kills it delay after it announces its
// writes-th write.
func killDuring(t *testing.T, mode, data, dir string, writes int, delay time.Duration) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestKill$")
	cmd.Env = append(os.Environ(), killEnv+"="+mode+" "+data+" "+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	seen := 0
	deadline := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for seen < writes && sc.Scan() {
		if sc.Text() == "writing" {
			seen++
		}
	}
	if seen < writes {
		cmd.Wait()
		t.Fatalf("the helper ended after %d writes", seen)
	}
	time.Sleep(delay)
	cmd.Process.Signal(syscall.SIGKILL)
	go io.Copy(io.Discard, out)
	cmd.Wait()
}

// checkAfterKill reopens the store and checks the key "k".
func checkAfterKill(t *testing.T, mode, data, dir string) {
	h := &harness{data: data, dir: dir}
	h.open(t)
	o, err := h.s.Open(context.Background(), "b", "k")
	if err == nil {
		defer o.File.Close()
		body, err := io.ReadAll(o.File)
		if err != nil {
			t.Fatal(err)
		}
		size := killPutSize
		if mode == "multipart" {
			size = minPartSize + killPart2
		}
		if len(body) != size || len(body) > 0 && len(bytes.Trim(body, string(body[:1]))) != 0 {
			t.Fatalf("torn object: %d bytes, want %d of one byte", len(body), size)
		}
		whole := md5.Sum(body)
		p1, p2 := md5.Sum(body[:min(len(body), minPartSize)]), md5.Sum(body[min(len(body), minPartSize):])
		multi := md5.Sum(append(p1[:], p2[:]...))
		if o.ETag != `"`+hex.EncodeToString(whole[:])+`"` && o.ETag != `"`+hex.EncodeToString(multi[:])+`-2"` {
			t.Errorf("ETag %s does not match the content", o.ETag)
		}
	} else if !strings.Contains(err.Error(), "NoSuchKey") {
		t.Fatal(err)
	}
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if p != dir {
			names = append(names, strings.TrimPrefix(p, dir+"/"))
		}
		return nil
	})
	if len(names) > 1 || len(names) == 1 && names[0] != "k" {
		t.Errorf("bucket folder holds %v", names)
	}
	if left := h.tempFiles(t); len(left) > 0 {
		t.Errorf("temporary files after reopen: %v", left)
	}
}

// killHelper writes "k" over and over, saying "writing" before each Put or
// Complete, until it is killed.
func killHelper(arg string) {
	f := strings.Fields(arg)
	mode, data, dir := f[0], f[1], f[2]
	s, err := Open(Options{Dir: data})
	if err != nil {
		panic(err)
	}
	if err := s.Apply([]BucketConfig{{Name: "b", Dir: dir}}); err != nil {
		panic(err)
	}
	ctx := context.Background()
	for i := 0; ; i++ {
		c := byte('a' + i%26)
		if mode == "put" {
			fmt.Println("writing")
			_, err = s.Put(ctx, &PutInput{Bucket: "b", Key: "k", Body: &repeat{c: c, n: killPutSize}, Size: killPutSize})
		} else {
			err = multipartOnce(ctx, s, c)
		}
		if err != nil {
			panic(err)
		}
	}
}

func multipartOnce(ctx context.Context, s *Store, c byte) error {
	u, err := s.CreateUpload(ctx, &PutInput{Bucket: "b", Key: "k"})
	if err != nil {
		return err
	}
	var list []CompletedPart
	for n, size := range []int64{minPartSize, killPart2} {
		p, err := s.UploadPart(ctx, &PartInput{Bucket: "b", Key: "k", UploadID: u.UploadID, Number: n + 1, Body: &repeat{c: c, n: size}, Size: size})
		if err != nil {
			return err
		}
		list = append(list, CompletedPart{Number: n + 1, ETag: p.ETag})
	}
	fmt.Println("writing")
	_, err = s.Complete(ctx, "b", "k", u.UploadID, list)
	return err
}

// repeat is n bytes c.
type repeat struct {
	c byte
	n int64
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), r.n))
	for i := range p[:n] {
		p[i] = r.c
	}
	r.n -= int64(n)
	return n, nil
}
