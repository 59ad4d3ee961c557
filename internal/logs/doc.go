// Package logs keeps function log groups on disk, as CloudWatch Logs does for
// Lambda: every function has a group "/aws/lambda/NAME" whose events are the
// lines its sandboxes printed plus the START/END/REPORT lines the runtime
// writes.
//
// # Layout
//
// Under the store's directory each group has a folder whose name is the
// group name escaped (see groupDir: no name can reach outside the
// directory), holding group.json (the name, retention, creation time and
// tags), streams.json (the streams made by CreateStream, so that an empty
// one survives a restart; a function's streams exist through their events)
// and one file of JSON lines per UTC day, "2026-11-22.jsonl", each line
// {"t":UNIX_MILLIS,"s":"STREAM","m":"MESSAGE"}. An event goes to the file of
// its own day, so deleting expired data is deleting whole files (Sweep).
// DeleteStream rewrites the day files without the stream's lines;
// DeleteGroup removes the folder, and a function still logging to the group
// brings it back.
//
// # Writes
//
// Append only queues events in memory; a background goroutine writes each
// group's queue every FlushInterval (150 ms by default) and on Close. The
// queue is bounded (MaxPendingBytes per group): like Lambda, which never
// blocks a function on logging, a full queue drops events, counts them
// (Store.Dropped) and writes one "[verge] N log events dropped" event in
// their place. Messages longer than MaxMessageBytes are truncated.
// PutEvents, the API's write, is the exception: it writes its events
// before it returns and waits for the sink (subscription filters) to put
// them in a durable queue, so an acknowledged PutLogEvents survives a
// kill -9. A function's own lines are acknowledged to no one and may be
// lost in the last FlushInterval of a killed process, as a crashed
// Lambda's last lines may never reach CloudWatch.
//
// # Reads
//
// Query reads the day files a query can touch plus the queue not yet
// written, under a lock that orders it with the writer, so it sees every
// event appended before it. Follow does the same and then receives new
// events straight from Append, without polling files; a follower that falls
// more than MaxFollowBytes behind skips events and is told how many.
//
// # Filter patterns
//
// Filter (ParseFilter) is CloudWatch Logs' filter-pattern syntax, the one
// parser behind Query's Filter, `verge logs --filter`, FilterLogEvents,
// StartLiveTail, metric and subscription filters and TestMetricFilter:
// terms, quoted phrases, -exclusions, ?alternatives and %regex% for plain
// messages; { $.sel … } conditions for JSON messages; [a, ..., b = 4*]
// fields for space-delimited ones, whose values Extract returns. Matching
// is on the path of every log line of a subscribed function: patterns are
// parsed once, and Match allocates nothing. A pattern that does not parse
// gives a *PatternError with the byte offset of the problem and AWS's
// message ("Invalid filter pattern"). testdata/filter_examples.txt holds
// the examples of AWS's pages, each checked by TestFilterExamples.
//
// Handler serves a store over HTTP as newline-delimited JSON for
// `verge logs`, and Fetch is its client.
package logs
