// Package broker gives Verge its message broker: NATS with JetStream,
// either embedded in the process (file storage under a data folder, no
// network listener, no signal handlers) or an external NATS server or
// cluster reached by URL. Everything above the connection is the same code
// in both modes, which is how Verge scales past one machine.
package broker
