// Package eventbus holds the event bus's pure parts and its AWS-compatible
// API: EventBridge's PutEvents endpoint (Handler), the event envelope
// (Entry, Envelope), per-bus rule routing (Router) and a target's input
// setting (Input: constant, InputPath or input transformer).
//
// Storage and delivery are not here: the handler hands each valid entry's
// envelope to a Publisher (the broker), and whatever consumes a bus's stream
// calls Router.Route to learn which targets receive which payload. Pattern
// matching is behind the Matcher interface (package pattern implements it).
//
// Input transformer semantics, following AWS's EventBridge user guide
// ("Amazon EventBridge input transformation") and API reference
// (InputTransformer):
//   - inputPathsMap values are JSONPaths in EventBridge's subset: "$", then
//     dot-separated names, [N] array indices and * or [*] wildcards. A path
//     with a wildcard yields a JSON array of the values it reaches.
//   - A template that is JSON once its placeholders are filled is a JSON
//     template: a placeholder outside quotes takes the value as JSON (a
//     string keeps its quotes, an object stays an object); inside a quoted
//     string it takes the value's text (a string without its quotes). The
//     output is minified.
//   - Any other template is text: placeholders take the value's text, and
//     the result is delivered as a JSON string, since a Lambda payload is
//     JSON.
//   - A path that matches nothing leaves its variable undefined: null
//     outside quotes, empty text inside.
//   - Predefined variables: aws.events.rule-name, aws.events.rule-arn,
//     aws.events.event.ingestion-time, aws.events.event (the event without
//     its detail field) and aws.events.event.json (the whole event); the
//     last two only as a JSON value, outside quotes.
//
// Deviation, on purpose: AWS does not escape values it pastes inside a
// quoted string, so a value holding a quote breaks the JSON; Verge escapes
// them and the payload stays valid JSON.
package eventbus
