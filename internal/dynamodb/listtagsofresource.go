package dynamodb

import "context"

type listTagsInput struct {
	ResourceArn *string `json:"ResourceArn"`
	NextToken   *string `json:"NextToken"`
}

type listTagsOutput struct {
	Tags []tag `json:"Tags"`
}

// listTagsOfResource lists every tag in one page: a table has at most 50.
func (s *Service) listTagsOfResource(ctx context.Context, body []byte) (any, error) {
	var in listTagsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.ResourceArn == nil {
		var vs violations
		vs.add(nil, "resourceArn", "must not be null")
		return nil, vs.err()
	}
	t, err := s.taggedTable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	out := listTagsOutput{Tags: metaOf(t).Tags}
	if out.Tags == nil {
		out.Tags = []tag{}
	}
	return out, nil
}
