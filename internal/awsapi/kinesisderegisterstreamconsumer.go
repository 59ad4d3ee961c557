package awsapi

import "net/http"

// deregisterStreamConsumer is DeregisterStreamConsumer; the consumer's
// subscriptions end.
func (a *kinesisAPI) deregisterStreamConsumer(w http.ResponseWriter, r *http.Request) error {
	var in consumerIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	stream, err := in.resolve()
	if err != nil {
		return err
	}
	if err := a.k().DeregisterConsumer(r.Context(), stream, in.ConsumerName, in.ConsumerARN); err != nil {
		return err
	}
	return writeOutput(w, r, nil)
}
