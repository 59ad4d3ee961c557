package cli

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// tokenFile is the file in the data folder where dev and serve write the
// admin token (mode 0600) and the client commands read it.
const tokenFile = "admin-token"

// defaultData is the data folder of a stack in the current folder.
const defaultData = ".verge"

// envAdmin names the variable that gives client commands the admin API's
// address.
const envAdmin = "VERGE_ADMIN"

// adminClient is how client commands (invalidate, invoke, logs, trigger,
// put-events) reach a running server: its admin address and token.
type adminClient struct {
	addr  string
	data  string
	token string
}

// adminFlags registers --admin, --data and --token on fs; $VERGE_ADMIN
// is --admin's default, so a shell pointed at one server once needs no
// flags.
func adminFlags(env *Env, fs *flag.FlagSet) *adminClient {
	a := &adminClient{}
	addr := strings.TrimSuffix(strings.TrimPrefix(env.Getenv(envAdmin), "http://"), "/") // an address or its URL
	if addr == "" {
		addr = defaultAdmin
	}
	fs.StringVar(&a.addr, "admin", addr, "the running server's admin API address; $"+envAdmin+" sets the default")
	fs.StringVar(&a.data, "data", defaultData, "the running server's data folder, where it writes the admin token")
	fs.StringVar(&a.token, "token", "", "the admin token (default $VERGE_ADMIN_TOKEN, else DATA/"+tokenFile+")")
	return a
}

// url is the admin API's URL for path.
func (a *adminClient) url(_ *Env, path string) string { return "http://" + a.addr + path }

// adminToken is --token, else $VERGE_ADMIN_TOKEN, else the token the
// server wrote in its data folder.
func (a *adminClient) adminToken(env *Env) (string, error) {
	if a.token != "" {
		return a.token, nil
	}
	if t := env.Getenv("VERGE_ADMIN_TOKEN"); t != "" {
		return t, nil
	}
	path := filepath.Join(a.data, tokenFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if dir, derr := userTokenDir(); derr == nil {
			b, err = os.ReadFile(filepath.Join(dir, userTokenName(a.addr)))
		}
	}
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("no admin token in %s, nor for %s in your own folder: is verge dev or serve running? else give --data or --token", path, a.addr)
	}
	if err != nil {
		return "", fmt.Errorf("reading the admin token: %v", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// userTokenDir is the user's own folder of admin tokens (mode 0700), where
// a running server also leaves its token under its admin address.
func userTokenDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(base, "verge")
	return dir, os.MkdirAll(dir, 0o700)
}

// userTokenName names the token file of the server at addr.
func userTokenName(addr string) string {
	return "admin-token-" + strings.NewReplacer(":", "_", "/", "_", "[", "", "]", "").Replace(addr)
}

// authorize adds the admin token as a bearer token.
func (a *adminClient) authorize(env *Env, req *http.Request) error {
	token, err := a.adminToken(env)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return nil
}
