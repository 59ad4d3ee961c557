package cli

import (
	"flag"
	"net/http"
)

// adminClient is how client commands (invalidate, invoke, logs) reach a
// running server: its admin address and bearer token.
type adminClient struct {
	addr  string
	token string
}

// adminFlags registers --admin and --token on fs.
func adminFlags(fs *flag.FlagSet) *adminClient {
	a := &adminClient{}
	fs.StringVar(&a.addr, "admin", defaultAdmin, "the running server's admin API address")
	fs.StringVar(&a.token, "token", "", "admin bearer token (default $VERGE_ADMIN_TOKEN)")
	return a
}

// url is the admin API's URL for path.
func (a *adminClient) url(_ *Env, path string) string { return "http://" + a.addr + path }

// authorize adds the bearer token, from --token or $VERGE_ADMIN_TOKEN.
func (a *adminClient) authorize(env *Env, req *http.Request) {
	token := a.token
	if token == "" {
		token = env.Getenv("VERGE_ADMIN_TOKEN")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
}
