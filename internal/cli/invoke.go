package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"

	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/functions"
)

// runInvoke: verge invoke NAME [--payload JSON | --payload-file FILE]
// [--qualifier Q] [--log] [--async] [--admin ADDR] [--data DIR]. It calls the running
// server's Lambda Invoke API and prints the result; a function error prints
// the error document and exits 1. With --async it queues the event
// (InvocationType Event) and prints the request id.
func runInvoke(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet(env, "invoke", "invoke NAME [--payload JSON | --payload-file FILE] [--qualifier Q] [--log] [--async] [--admin ADDR] [--data DIR]")
	async := fs.Bool("async", false, "queue the event (InvocationType Event) and print its request id")
	payload := fs.String("payload", "", "the event, JSON (default {})")
	payloadFile := fs.String("payload-file", "", `a file holding the event ("-" for standard input)`)
	qualifier := fs.String("qualifier", "", "the version to run ($LATEST or a number)")
	showLog := fs.Bool("log", false, "print the end of the invocation's log (4 KB) on standard error")
	server := adminFlags(env, fs)
	pos, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(env.Stderr, "verge invoke: give exactly one function name")
		return exitUsage
	}
	body, code := invokePayload(env, *payload, *payloadFile)
	if code >= 0 {
		return code
	}
	u := server.url(env, "/2015-03-31/functions/"+url.PathEscape(pos[0])+"/invocations")
	if *qualifier != "" {
		u += "?" + awsapi.QueryQualifier + "=" + url.QueryEscape(*qualifier)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if *showLog {
		req.Header.Set(awsapi.HeaderLogType, awsapi.LogTypeTail)
	}
	if *async {
		req.Header.Set(awsapi.HeaderInvocationType, awsapi.InvocationEvent)
	}
	if err := server.authorize(env, req); err != nil {
		fmt.Fprintf(env.Stderr, "verge invoke: %v\n", err)
		return exitFail
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(env.Stderr, "verge invoke: %v (is verge running with --admin %s?)\n", err, server.addr)
		return exitFail
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, functions.MaxPayload+1<<10))
	if *async && resp.StatusCode == http.StatusAccepted {
		fmt.Fprintf(env.Stdout, "queued %s\n", resp.Header.Get(awsapi.HeaderRequestID))
		return exitOK
	}
	if resp.StatusCode != http.StatusOK {
		return invokeFailed(env, resp, out)
	}
	if *showLog {
		tail, _ := base64.StdEncoding.DecodeString(resp.Header.Get(awsapi.HeaderLogResult))
		env.Stderr.Write(tail)
	}
	env.Stdout.Write(out)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		fmt.Fprintln(env.Stdout)
	}
	if resp.Header.Get(awsapi.HeaderFunctionError) != "" {
		return exitFail
	}
	return exitOK
}

// invokePayload reads the event from the flags; a non-negative code means
// stop with it.
func invokePayload(env *Env, payload, file string) ([]byte, int) {
	var body []byte
	switch {
	case payload != "" && file != "":
		fmt.Fprintln(env.Stderr, "verge invoke: give --payload or --payload-file, not both")
		return nil, exitUsage
	case payload != "":
		body = []byte(payload)
	case file == "-":
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			fmt.Fprintln(env.Stderr, "verge invoke: reading standard input:", err)
			return nil, exitFail
		}
		body = b
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(env.Stderr, "verge invoke:", err)
			return nil, exitUsage
		}
		body = b
	default:
		body = []byte("{}")
	}
	if !json.Valid(body) {
		fmt.Fprintln(env.Stderr, "verge invoke: the payload is not valid JSON")
		return nil, exitUsage
	}
	return body, -1
}

// invokeFailed reports an error answer of the Invoke API: the caller's
// mistakes (unknown function, bad or too large payload) exit 2.
func invokeFailed(env *Env, resp *http.Response, out []byte) int {
	var e struct {
		Message string `json:"message"`
	}
	json.Unmarshal(out, &e)
	if e.Message == "" {
		e.Message = string(bytes.TrimSpace(out))
	}
	fmt.Fprintf(env.Stderr, "verge invoke: %s: %s\n", resp.Header.Get(awsapi.HeaderErrorType), e.Message)
	switch resp.StatusCode {
	case http.StatusNotFound, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		return exitUsage
	}
	return exitFail
}
