package dynamodb

import (
	"bufio"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/partiql's golden files")

// TestParseStatementGolden parses each line of testdata/partiql/
// statements.txt and compares the printed trees (or errors) with
// statements.golden; go test -run Golden -update rewrites it.
func TestParseStatementGolden(t *testing.T) {
	f, err := os.Open("testdata/partiql/statements.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out.WriteString("> " + line + "\n")
		st, err := parseStatement(line)
		if err != nil {
			out.WriteString("error: " + err.Error() + "\n")
			continue
		}
		out.WriteString(st.String())
	}
	const golden = "testdata/partiql/statements.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("line %d: got\n%s\nwant\n%s", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("got %d lines, want %d", len(gl), len(wl))
	}
}

// TestStatementTarget: the verb and table IAM authorizes.
func TestStatementTarget(t *testing.T) {
	for _, tt := range []struct {
		stmt, verb, table string
		ok                bool
	}{
		{`SELECT * FROM "Music"."ArtistIndex" WHERE Artist = ?`, "Select", "Music", true},
		{`insert into Music value {'Artist': 'x'}`, "Insert", "Music", true},
		{`UPDATE "my-table" SET a = 1 WHERE k = 2`, "Update", "my-table", true},
		{`DELETE FROM t1 WHERE k = 2`, "Delete", "t1", true},
		{`DROP TABLE t1`, "", "", false},
		{`SELECT * FROM`, "", "", false},
	} {
		verb, table, ok := statementTarget(tt.stmt)
		if verb != tt.verb || table != tt.table || ok != tt.ok {
			t.Errorf("%s: %q %q %v", tt.stmt, verb, table, ok)
		}
		g := statementGrants(tt.stmt)
		if tt.ok && (len(g) != 1 || g[0].Action != "dynamodb:PartiQL"+tt.verb) {
			t.Errorf("%s: grants %+v", tt.stmt, g)
		}
	}
}

// FuzzParseStatement: the parser never panics, and what it accepts
// prints to a form that parses to the same tree.
func FuzzParseStatement(f *testing.F) {
	for _, s := range []string{
		`SELECT * FROM "t" WHERE pk = ? AND sk BETWEEN 1 AND 2`,
		`SELECT a.b[2].c, "x y" FROM t."i" WHERE a IN [1, 'x'] OR NOT b IS MISSING ORDER BY sk DESC`,
		`INSERT INTO t VALUE {'pk': 'a', 'l': [1, -2.5e3], 's': <<'x', 'y'>>, 'm': {'k': NULL}}`,
		`UPDATE t SET a = a + 1, b = list_append(b, [?]) REMOVE c WHERE pk = 'x' AND size(d) > 3 RETURNING ALL NEW *`,
		`DELETE FROM t WHERE pk = 'x' AND begins_with(s, 'p') RETURNING ALL OLD *; -- done`,
		`select * from t where a <> 'it''s' /* c */`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		st, err := parseStatement(src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("%q: error %T %v", src, err, err)
			}
			return
		}
		if st.Verb == "" || st.Table == "" {
			t.Fatalf("%q: parsed to %+v", src, st)
		}
		if st.Where != nil {
			// A WHERE clause prints to a condition that parses back
			// to itself.
			p := &parser{}
			toks, err := lex(st.Where.String())
			if err != nil {
				t.Fatalf("%q: where %s does not lex: %v", src, st.Where, err)
			}
			p.toks = toks
			w, err := p.or()
			if err != nil || p.peek().kind != tEOF {
				t.Fatalf("%q: where %s does not parse: %v", src, st.Where, err)
			}
			if w.String() != st.Where.String() {
				t.Fatalf("%q: where %s reparses as %s", src, st.Where, w)
			}
		}
	})
}
