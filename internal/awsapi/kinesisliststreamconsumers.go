package awsapi

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/kinesis"
)

type listConsumersIn struct {
	StreamARN               string     `json:"StreamARN"`
	NextToken               string     `json:"NextToken"`
	MaxResults              *int       `json:"MaxResults"`
	StreamCreationTimestamp *timestamp `json:"StreamCreationTimestamp"`
}

// listStreamConsumers is ListStreamConsumers: a page of the stream's
// consumers; NextToken (opaque) is the last one's name.
func (a *kinesisAPI) listStreamConsumers(w http.ResponseWriter, r *http.Request) error {
	var in listConsumersIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	v.required(in.StreamARN, "streamARN")
	v.between(in.MaxResults, "maxResults", 1, maxKinesisPage)
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream("", in.StreamARN)
	if err != nil {
		return err
	}
	after := ""
	if in.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		if err != nil || !streamNamePattern.Match(b) {
			return &kinesis.Error{Code: kinesis.CodeInvalidArgument, Message: "NextToken " + in.NextToken + " is not a token ListStreamConsumers returned."}
		}
		after = string(b)
	}
	cs, err := a.k().Consumers(r.Context(), name)
	if err != nil {
		return err
	}
	out := struct {
		Consumers []wireConsumer `json:"Consumers"`
		NextToken string         `json:"NextToken,omitempty"`
	}{Consumers: []wireConsumer{}}
	slices.SortFunc(cs, func(x, y kinesis.Consumer) int { return strings.Compare(x.Name, y.Name) })
	limit := orDefault(in.MaxResults, defaultListConsumers)
	for _, c := range cs {
		if c.Name <= after {
			continue
		}
		if len(out.Consumers) == limit {
			out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(out.Consumers[limit-1].ConsumerName))
			break
		}
		out.Consumers = append(out.Consumers, toWireConsumer(c))
	}
	return writeOutput(w, r, out)
}
