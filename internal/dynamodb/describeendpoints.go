package dynamodb

import (
	"context"

	"github.com/verge-edge/verge/internal/arn"
)

type endpoint struct {
	Address              string `json:"Address"`
	CachePeriodInMinutes int64  `json:"CachePeriodInMinutes"`
}

type describeEndpointsOutput struct {
	Endpoints []endpoint `json:"Endpoints"`
}

// describeEndpoints names AWS's regional endpoint: the request's Host is
// not visible to the service, and an SDK doing endpoint discovery only
// caches the answer while it keeps using the endpoint it was configured
// with (discovery is off by default, and the address is not dialled by
// the SDKs that use a custom endpoint).
func (s *Service) describeEndpoints(ctx context.Context, body []byte) (any, error) {
	if err := decode(body, &struct{}{}); err != nil {
		return nil, err
	}
	return describeEndpointsOutput{Endpoints: []endpoint{{Address: "dynamodb." + arn.Region + ".amazonaws.com", CachePeriodInMinutes: 1440}}}, nil
}
