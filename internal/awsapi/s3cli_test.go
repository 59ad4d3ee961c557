package awsapi

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestS3AWSCLI runs the AWS CLI's high-level s3 commands (mb, cp, ls,
// sync, rm, rb) and s3api against the endpoint, path-style and
// virtual-host; skipped when there is no aws on the PATH.
func TestS3AWSCLI(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil || testing.Short() {
		t.Skip("no aws CLI, or -short")
	}
	e := newS3Env(t, false)
	home := t.TempDir()
	for _, style := range []string{"path", "virtual"} {
		t.Run(style, func(t *testing.T) {
			if _, err := net.LookupHost("cli-" + style + ".localhost"); style == "virtual" && err != nil {
				t.Skip("*.localhost does not resolve here: the CLI cannot reach a virtual host")
			}
			cfg := filepath.Join(home, style+".config")
			os.WriteFile(cfg, []byte("[default]\nregion = us-east-1\ns3 =\n  addressing_style = "+style+"\n"), 0o600)
			run := func(args ...string) string {
				t.Helper()
				cmd := exec.Command(aws, append([]string{"--endpoint-url", e.url()}, args...)...)
				cmd.Env = append(withoutAWS(os.Environ()), "AWS_ACCESS_KEY_ID=AKID", "AWS_SECRET_ACCESS_KEY="+testToken, "AWS_CONFIG_FILE="+cfg,
					"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "none"), "HOME="+home)
				var out, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &stderr
				if err := cmd.Run(); err != nil {
					t.Fatalf("aws %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), stderr.String())
				}
				return out.String()
			}
			bucket := "cli-" + style
			src := t.TempDir()
			os.MkdirAll(filepath.Join(src, "sub dir"), 0o755)
			os.WriteFile(filepath.Join(src, "a.txt"), []byte("alpha"), 0o644)
			os.WriteFile(filepath.Join(src, "sub dir", "b+c.txt"), []byte("beta"), 0o644)
			big := bytes.Repeat([]byte("0123456789"), 9<<20/10) // multipart at the CLI's 8 MiB threshold
			os.WriteFile(filepath.Join(src, "big.bin"), big, 0o644)

			run("s3", "mb", "s3://"+bucket)
			run("s3", "cp", filepath.Join(src, "a.txt"), "s3://"+bucket+"/one/a.txt")
			run("s3", "sync", src, "s3://"+bucket+"/tree")
			ls := run("s3", "ls", "--recursive", "s3://"+bucket)
			for _, want := range []string{"one/a.txt", "tree/a.txt", "tree/sub dir/b+c.txt", "tree/big.bin"} {
				if !strings.Contains(ls, want) {
					t.Errorf("ls lacks %q:\n%s", want, ls)
				}
			}
			if again := run("s3", "sync", src, "s3://"+bucket+"/tree"); strings.TrimSpace(again) != "" {
				t.Errorf("a second sync copied again:\n%s", again)
			}
			dst := t.TempDir()
			run("s3", "sync", "s3://"+bucket+"/tree", dst)
			for _, f := range []string{"a.txt", "sub dir/b+c.txt", "big.bin"} {
				want, _ := os.ReadFile(filepath.Join(src, f))
				got, err := os.ReadFile(filepath.Join(dst, f))
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s came back as %d bytes (%v)", f, len(got), err)
				}
			}
			head := run("s3api", "head-object", "--bucket", bucket, "--key", "tree/big.bin")
			if !strings.Contains(head, fmt.Sprintf(`"ContentLength": %d`, len(big))) || !strings.Contains(head, `-2\""`) {
				t.Errorf("head-object of the multipart object:\n%s", head)
			}
			run("s3", "rm", "s3://"+bucket+"/one/a.txt")
			run("s3", "rb", "--force", "s3://"+bucket)
			if ls := run("s3", "ls"); strings.Contains(ls, bucket) {
				t.Errorf("bucket left:\n%s", ls)
			}
		})
	}
}

// withoutAWS is env without the AWS_ variables of whoever runs the tests.
func withoutAWS(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "AWS_") {
			out = append(out, kv)
		}
	}
	return out
}
