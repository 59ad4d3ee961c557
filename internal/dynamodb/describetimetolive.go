package dynamodb

import "context"

type ttlDescription struct {
	TimeToLiveStatus string `json:"TimeToLiveStatus"`
	AttributeName    string `json:"AttributeName,omitempty"`
}

type describeTimeToLiveOutput struct {
	TimeToLiveDescription ttlDescription `json:"TimeToLiveDescription"`
}

// describeTimeToLive: TTL is ENABLED or DISABLED at once here, never
// ENABLING or DISABLING.
func (s *Service) describeTimeToLive(ctx context.Context, body []byte) (any, error) {
	t, err := s.namedTable(body)
	if err != nil {
		return nil, err
	}
	d := ttlDescription{TimeToLiveStatus: "DISABLED"}
	if t.TTLAttribute != "" {
		d = ttlDescription{TimeToLiveStatus: "ENABLED", AttributeName: t.TTLAttribute}
	}
	return describeTimeToLiveOutput{TimeToLiveDescription: d}, nil
}
