package functions

import (
	"context"
	"testing"
)

// BenchmarkInvokeWarm is one warm invocation of a trivial handler, in
// process (no Invoke API): the runtime's own cost per invocation.
func BenchmarkInvokeWarm(b *testing.B) {
	for _, c := range []struct{ name, file, code string }{
		{"node", "index.js", `exports.handler = async () => ({ ok: true })`},
		{"python", "app.py", "def handler(e, c):\n    return {'ok': True}\n"},
	} {
		b.Run(c.name, func(b *testing.B) {
			s, _ := newService(b, Options{})
			deploy(b, s, fnSpec{name: c.name, file: c.file, code: c.code})
			req := &Request{Function: c.name, Payload: []byte(`{}`)}
			invoke(b, s, c.name, `{}`) // cold start
			b.ReportAllocs()
			for b.Loop() {
				resp, err := s.Invoke(context.Background(), req)
				if err != nil || resp.FunctionError != "" {
					b.Fatal(err, resp)
				}
			}
		})
	}
}
