package awsapi

import "github.com/verge-edge/verge/internal/kinesis"

// consumerIn names a consumer: by ConsumerARN, or by StreamARN and
// ConsumerName.
type consumerIn struct {
	StreamARN    string `json:"StreamARN"`
	ConsumerName string `json:"ConsumerName"`
	ConsumerARN  string `json:"ConsumerARN"`
}

// resolve returns the consumer's stream name and checks in's members.
func (in consumerIn) resolve() (string, error) {
	var v violations
	v.name(in.ConsumerName, "consumerName")
	if in.StreamARN != "" && !streamARNPattern.MatchString(in.StreamARN) {
		v.add(in.StreamARN, "streamARN", "Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+")
	}
	if in.ConsumerARN != "" && !consumerARNPattern.MatchString(in.ConsumerARN) {
		v.add(in.ConsumerARN, "consumerARN", "Member must satisfy regular expression pattern: ^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+")
	}
	if err := v.err(); err != nil {
		return "", err
	}
	switch {
	case in.ConsumerARN != "":
		return consumerStream(in.ConsumerARN, in.StreamARN)
	case in.StreamARN == "" || in.ConsumerName == "":
		return "", &kinesis.Error{Code: kinesis.CodeInvalidArgument, Message: "Either ConsumerARN or both StreamARN and ConsumerName must be provided."}
	}
	name, ok := streamName(in.StreamARN)
	if !ok {
		return "", &kinesis.Error{Code: kinesis.CodeResourceNotFound, Message: "Stream " + in.StreamARN + " not found."}
	}
	return name, nil
}
