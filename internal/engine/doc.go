// Package engine owns Verge's running parts and applies a stack's plan to
// them in one place, as one transaction.
//
// Each part (the functions, the edge with its functions, the front doors,
// the event side) implements Part: Prepare compiles, builds and checks a
// plan without touching what serves traffic and returns a Change; the
// Change's Commit swaps the prepared state in and cannot fail. Apply
// prepares every part in dependency order and then commits them all, or,
// when any Prepare fails, discards what was prepared and leaves every part
// on the previous plan. Starting is the same Apply onto an empty engine.
// Close stops the listeners, then the parts in reverse order, then the
// stores, within a deadline.
//
// One engine runs per data folder: Open takes an advisory lock on it.
package engine
