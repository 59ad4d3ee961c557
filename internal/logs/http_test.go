package logs

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

const testToken = "s3cret"

// serve starts Handler on 127.0.0.1:0 behind a bearer-token check, as the
// admin listener mounts it.
func serve(t *testing.T, s *Store) string {
	t.Helper()
	h := Handler(s)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			writeError(w, "Unauthorized", http.StatusUnauthorized, "a valid bearer token is required")
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + Path
}

func fetchAll(ctx context.Context, u, token, group string, q Query) ([]string, error) {
	var got []string
	err := Fetch(ctx, nil, u, token, q, group, false, func(e Event) error {
		got = append(got, e.Message)
		return nil
	})
	return got, err
}

func TestHandlerQuery(t *testing.T) {
	type tc struct {
		name  string
		group string
		token string
		q     Query
		want  []string
		kind  errs.Kind // of the error, when want is nil
	}
	s := openStore(t, t.TempDir(), Options{})
	mustAppend(t, s.Group(testGroup, 0), sample...)
	s.Group("/aws/lambda/empty", 0)
	u := serve(t, s)
	for _, c := range []tc{
		{"all", testGroup, testToken, Query{}, messages(sortedSample()), 0},
		{"since filter", testGroup, testToken, Query{Since: t0, Filter: "ERROR"}, []string{"ERROR timeout after 3s"}, 0},
		{"until limit", testGroup, testToken, Query{Until: t0, Limit: 2}, []string{"ERROR boom a", "START RequestId: b"}, 0},
		{"phrase with escapes", testGroup, testToken, Query{Filter: "\"world\tand\" -x"}, []string{"INFO hello world\tand a tab\r"}, 0},
		{"empty group", "/aws/lambda/empty", testToken, Query{}, nil, 0},
		{"unknown group", "/aws/lambda/nope", testToken, Query{}, nil, errs.NotFound},
		{"bad filter", testGroup, testToken, Query{Filter: "%(%"}, nil, errs.Invalid},
		{"bad token", testGroup, "wrong", Query{}, nil, errs.Permission},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := fetchAll(context.Background(), u, c.token, c.group, c.q)
			if c.kind != 0 {
				if !errs.Is(c.kind, err) {
					t.Fatalf("Fetch = %v, want kind %v", err, c.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			equal(t, "messages", got, c.want)
		})
	}
}

func sortedSample() []Event {
	out := append([]Event(nil), sample...)
	out[3], out[4] = out[4], out[3]
	return out
}

func TestHandlerParams(t *testing.T) {
	type tc struct {
		name   string
		method string
		query  string
		status int
		body   string
	}
	s := openStore(t, t.TempDir(), Options{})
	now := time.Now()
	mustAppend(t, s.Group(testGroup, 0), Event{Time: now.Add(-time.Hour), Stream: "s", Message: "an hour ago"},
		Event{Time: now.Add(-time.Minute), Stream: "s", Message: "a minute ago"})
	u := serve(t, s)
	g := url.QueryEscape(testGroup)
	for _, c := range []tc{
		{"relative since", "GET", "group=" + g + "&since=10m", 200, `"message":"a minute ago"`},
		{"RFC 3339 since", "GET", "group=" + g + "&since=" + url.QueryEscape(now.Add(-2*time.Hour).Format(time.RFC3339)), 200, `"an hour ago"`},
		{"limit", "GET", "group=" + g + "&limit=1", 200, `"a minute ago"`},
		{"no group", "GET", "since=10m", 400, `"code":"InvalidRequest"`},
		{"bad since", "GET", "group=" + g + "&since=yesterday", 400, `"code":"InvalidRequest"`},
		{"bad limit", "GET", "group=" + g + "&limit=-3", 400, `"code":"InvalidRequest"`},
		{"bad follow", "GET", "group=" + g + "&follow=maybe", 400, `"code":"InvalidRequest"`},
		{"unknown group", "GET", "group=x", 404, `"code":"NoSuchLogGroup"`},
		{"follow unknown group", "GET", "group=x&follow=1", 404, `"code":"NoSuchLogGroup"`},
		{"method", "POST", "group=" + g, 405, `"code":"MethodNotAllowed"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, u+"?"+c.query, nil)
			req.Header.Set("Authorization", "Bearer "+testToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b bytes.Buffer
			if _, err := b.ReadFrom(resp.Body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != c.status || !strings.Contains(b.String(), c.body) {
				t.Fatalf("%d %s, want %d with %s", resp.StatusCode, b.String(), c.status, c.body)
			}
			if c.name == "relative since" && strings.Contains(b.String(), "an hour ago") {
				t.Fatalf("since=10m returned an older event: %s", b.String())
			}
			if c.status == 200 && resp.Header.Get("Content-Type") != contentTypeNDJSON {
				t.Fatalf("Content-Type = %q", resp.Header.Get("Content-Type"))
			}
		})
	}
}

// TestHandlerFollow follows over HTTP, sees past then new events, and checks
// that the server side stops when the client goes away.
func TestHandlerFollow(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{FlushInterval: time.Hour})
	g := s.Group(testGroup, 0)
	mustAppend(t, g, sample...)
	u := serve(t, s)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	evs := make(chan Event, 100)
	done := make(chan error, 1)
	go func() {
		done <- Fetch(ctx, nil, u, testToken, Query{Limit: 1, Filter: "-INFO"}, testGroup, true, func(e Event) error {
			evs <- e
			return nil
		})
	}()
	if got := recv(t, evs, "the past event"); got.Message != "END RequestId: b" || got.Stream != "s2" || !got.Time.Equal(t0.Add(4*time.Second)) {
		t.Fatalf("past event = %+v", got)
	}
	eventually(t, "the follower registered", func() bool { return g.followerCount() == 1 })
	mustAppend(t, g, ev(5*time.Second, "s5", "INFO filtered"), ev(6*time.Second, "s5", "new\tline\r"))
	if got := recv(t, evs, "the new event"); got.Message != "new\tline\r" {
		t.Fatalf("new event = %q", got.Message)
	}
	cancel()
	if err := recv(t, done, "Fetch to return"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Fetch = %v, want context.Canceled", err)
	}
	eventually(t, "the handler to stop following", func() bool { return g.followerCount() == 0 })
}

func TestHandlerFollowStoreClosed(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	g := s.Group(testGroup, 0)
	u := serve(t, s)
	done := make(chan error, 1)
	go func() {
		done <- Fetch(context.Background(), nil, u, testToken, Query{}, testGroup, true, func(Event) error { return nil })
	}()
	eventually(t, "the follower registered", func() bool { return g.followerCount() == 1 })
	s.Close()
	if err := recv(t, done, "Fetch to return"); !errs.Is(errs.Unavailable, err) {
		t.Fatalf("Fetch = %v, want unavailable", err)
	}
}

func TestFetchUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	_, err := fetchAll(context.Background(), u, "", testGroup, Query{})
	if !errs.Is(errs.Unavailable, err) {
		t.Fatalf("Fetch = %v, want unavailable", err)
	}
}
