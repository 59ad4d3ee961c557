package dynamodb_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/verge-edge/verge/internal/dynamodb"
	"github.com/verge-edge/verge/internal/dynamodb/store"
	"github.com/verge-edge/verge/internal/golden"
)

var updateTables = flag.Bool("update-tables", false, "rewrite the responses of testdata/tables")

// The random parts of a response: the table's id, and the shard id's
// hash of it.
var (
	tableID    = regexp.MustCompile(`"TableId": "[^"]*"`)
	shardIDRnd = regexp.MustCompile(`(shardId-[0-9]{20})-[0-9a-f]{8}`)
)

// TestTablesGolden runs testdata/tables: each archive's requests, one a
// line ("Operation {document}", "Streams:Operation" for the Streams
// API), against a service on a stopped clock, and the response documents
// (or errors) as the wire has them.
func TestTablesGolden(t *testing.T) {
	golden.Run(t, "tables", *updateTables, func(t *testing.T, a *txtar.Archive) (string, string) {
		clock := &stopped{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
		e := newEnv(t, store.Options{Now: clock.Now, TTLInterval: -1})
		reqs, _ := golden.Section(a, "requests")
		var out strings.Builder
		sc := bufio.NewScanner(strings.NewReader(reqs))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			op, body, _ := strings.Cut(line, " ")
			name, streams := strings.CutPrefix(op, "Streams:")
			resp, err := e.svc.Do(context.Background(), name, streams, []byte(body))
			out.WriteString("> " + op + "\n")
			var de *dynamodb.Error
			switch {
			case errors.As(err, &de):
				out.WriteString("! " + de.Code + ": " + de.Message + "\n")
			case err != nil:
				t.Fatalf("%s: %v", op, err)
			default:
				var buf bytes.Buffer
				if err := json.Indent(&buf, resp, "", "  "); err != nil {
					t.Fatalf("%s: %s: %v", op, resp, err)
				}
				got := tableID.ReplaceAllString(buf.String(), `"TableId": "ID"`)
				out.WriteString(shardIDRnd.ReplaceAllString(got, "$1-HASH") + "\n")
			}
			clock.Add(time.Second)
		}
		return "responses", out.String()
	})
}
