// Package pattern compiles and matches Amazon EventBridge event patterns.
//
// Compile validates a pattern strictly and returns *Error values that name
// the JSON path and the rule broken. Match tests an event given as JSON;
// Flatten turns an event into its leaves once so that MatchEvent can test
// many patterns against it without allocating. Exact exposes a pattern's
// exact-string condition on a path (source, detail-type) so that a bus can
// index its rules and test only the candidates.
//
// CompileOptions adapts the limits and one rule for SNS filter policies
// (internal/sns): a larger size, and anything-but holding over every leaf
// of a field; NewEvent builds an event from values rather than JSON.
//
// Semantics (AWS eb-event-patterns*.md, the event-ruler README, quamina
// PATTERNS.md):
//   - A pattern is a JSON object whose leaf values are arrays; fields are
//     ANDed, the values in an array are ORed. Nested objects name nested
//     fields. An event array matches when any of its elements does: paths
//     omit array indices ("arrays are crushed out"), so {"a":[{"b":1}]}
//     has the field a.b.
//   - Exact values: strings, numbers, true, false and null. null matches a
//     JSON null only, never a missing field; "" matches the empty string.
//     Exact numbers compare by their literal text (300 ≠ 300.0 ≠ 3e2, as
//     EventBridge); numeric and numeric anything-but compare by value.
//   - prefix, suffix (each also as {"equals-ignore-case": s}),
//     equals-ignore-case and wildcard apply to strings only. Case folding
//     is Unicode simple folding. Wildcard '*' matches any run of
//     characters, "\*" and "\\" are escapes, "**" and other escapes are
//     invalid.
//   - anything-but takes a string, a number, a list of only strings or
//     only numbers, or {"prefix"|"suffix": s} (one non-empty string) or
//     {"equals-ignore-case"|"wildcard": s or [s…]}. A missing field does
//     not match. The value forms match any other leaf (of any type); the
//     operator forms match strings only.
//   - numeric: [op, n] or [">"|">=", lo, "<"|"<=", hi], op one of = < <= > >=;
//     only JSON numbers match, compared as float64. Bounds must lie in
//     [-5e9, 5e9] (event-ruler's limit; older AWS docs say ±1e9).
//   - exists true matches when the path has at least one leaf; exists false
//     when it has none, which includes a path whose value is an object or
//     an empty array (exists works on leaves only).
//   - cidr takes an IPv4 or IPv6 prefix; the event value must be a string
//     holding an address inside it.
//   - "$or": [{…}, {…}, …] (two or more objects, no operator names as keys)
//     means one of the branches must match; it may nest and may appear at
//     any level, branch paths continuing from that level. Any other "$or"
//     is an ordinary field name.
//
// Decisions where the sources leave a choice:
//   - {"a.b": […]} and {"a": {"b": […]}} name the same field, as in
//     event-ruler; both may appear and are then ANDed.
//   - A key repeated in one pattern object keeps its last value (AWS).
//   - A key repeated in one event object contributes all its values.
//   - Empty objects and empty value arrays in a pattern are errors.
//
// Limits: a pattern is at most MaxPatternSize (4096) bytes, which also
// bounds the number of fields and values, and MaxPatternDepth levels deep;
// an event is at most MaxEventDepth levels deep. Wildcards need no cap of
// their own: matching is linear in the value per literal part.
package pattern
