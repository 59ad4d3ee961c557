package awsapi

import "net/http"

type consumerDescription struct {
	wireConsumer
	StreamARN string `json:"StreamARN"`
}

// describeStreamConsumer is DescribeStreamConsumer.
func (a *kinesisAPI) describeStreamConsumer(w http.ResponseWriter, r *http.Request) error {
	var in consumerIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	stream, err := in.resolve()
	if err != nil {
		return err
	}
	c, err := a.k().Consumer(r.Context(), stream, in.ConsumerName, in.ConsumerARN)
	if err != nil {
		return err
	}
	return writeOutput(w, r, struct {
		ConsumerDescription consumerDescription `json:"ConsumerDescription"`
	}{consumerDescription{toWireConsumer(c), c.Stream}})
}
