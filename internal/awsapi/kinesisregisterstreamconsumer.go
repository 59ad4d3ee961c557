package awsapi

import "net/http"

type registerConsumerIn struct {
	StreamARN    string `json:"StreamARN"`
	ConsumerName string `json:"ConsumerName"`
}

// registerStreamConsumer is RegisterStreamConsumer: an enhanced fan-out
// consumer of the stream, which SubscribeToShard reads through.
func (a *kinesisAPI) registerStreamConsumer(w http.ResponseWriter, r *http.Request) error {
	var in registerConsumerIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	v.required(in.StreamARN, "streamARN")
	v.required(in.ConsumerName, "consumerName")
	v.name(in.ConsumerName, "consumerName")
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream("", in.StreamARN)
	if err != nil {
		return err
	}
	c, err := a.k().RegisterConsumer(r.Context(), name, in.ConsumerName)
	if err != nil {
		return err
	}
	return writeOutput(w, r, struct {
		Consumer wireConsumer `json:"Consumer"`
	}{toWireConsumer(c)})
}
