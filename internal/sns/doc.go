// Package sns is Amazon SNS as Verge runs it: topics (the stack's and the
// API's, standard and FIFO) and their subscriptions, durable in a
// JetStream key-value bucket; filter policies compiled into the
// EventBridge matcher (internal/triggers/pattern); messages signed with a
// key and certificate Verge makes once and serves; and delivery to SQS
// queues (the JSON envelope or raw), to Lambda functions (asynchronous
// invocation, the Records[].Sns event) and to HTTP(S) endpoints (the
// confirmation handshake, retries in the background, a dead-letter
// queue).
//
// Service is the package's entry point; the AWS endpoint's SNS API
// (internal/awsapi) calls its methods. Errors are *Error values carrying
// SNS's error code.
package sns
