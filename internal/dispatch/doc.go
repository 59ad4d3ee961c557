// Package dispatch connects the stack's asynchronous event sources to the
// asynchronous invocation queue (internal/functions/async): schedules fire
// through the scheduler, events put on a bus are matched against the
// stack's rules, and every delivery becomes a durable asynchronous
// invocation, with the function's retries and destinations.
//
// A Dispatcher is loaded with each plan: it compiles the bus rules
// (internal/triggers/pattern, internal/triggers/eventbus), sets the
// schedules (internal/triggers/schedule) and configures the queue with the
// functions' retry and destination settings.
package dispatch
