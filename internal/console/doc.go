// Package console writes what a running stack does to the developer's
// terminal, for `verge dev`: each function's output lines as they come,
// prefixed with the function's name; the message and stack of an error a
// function throws; a line per request to the CDNs and the front doors; a
// summary of the routes, schedules, bus rules and queues; and Verge's own
// messages (Handler, an slog.Handler), whose multi-line values, such as a
// compiler's errors, are printed as written.
//
// Output is text, coloured when Options.Color is set (Colorful decides it
// for a writer: a terminal, and no NO_COLOR), or one JSON object per line
// (FormatJSON) with a "type" of output, error, request, summary or log.
// Quiet keeps errors and the summary only.
//
// A Console never blocks its callers on the terminal: lines are queued
// and written by one goroutine, in the order they came, and a full queue
// drops lines and says how many. The package imports nothing of Verge's:
// the function service and the edge feed it through their own hooks
// (functions.Tap, edge.Options.Requests), which the CLI connects.
package console
