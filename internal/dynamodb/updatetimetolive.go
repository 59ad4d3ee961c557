package dynamodb

import (
	"context"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

type ttlSpec struct {
	AttributeName *string `json:"AttributeName"`
	Enabled       *bool   `json:"Enabled"`
}

type updateTimeToLiveInput struct {
	TableName               *string  `json:"TableName"`
	TimeToLiveSpecification *ttlSpec `json:"TimeToLiveSpecification"`
}

type updateTimeToLiveOutput struct {
	TimeToLiveSpecification ttlSpec `json:"TimeToLiveSpecification"`
}

func (s *Service) updateTimeToLive(ctx context.Context, body []byte) (any, error) {
	var in updateTimeToLiveInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var vs violations
	if in.TableName == nil || !isTableARN(*in.TableName) {
		vs.name(in.TableName, "tableName")
	}
	spec := in.TimeToLiveSpecification
	if spec == nil {
		vs.add(nil, "timeToLiveSpecification", "must not be null")
	} else {
		if spec.AttributeName == nil {
			vs.add(nil, "timeToLiveSpecification.attributeName", "must not be null")
		} else if n := len(*spec.AttributeName); n < 1 {
			vs.add(*spec.AttributeName, "timeToLiveSpecification.attributeName", "must have length greater than or equal to 1")
		} else if n > 255 {
			vs.add(*spec.AttributeName, "timeToLiveSpecification.attributeName", "must have length less than or equal to 255")
		}
		if spec.Enabled == nil {
			vs.add(nil, "timeToLiveSpecification.enabled", "must not be null")
		}
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	name := tableNameOf(*in.TableName)
	t, err := s.describeByName(name)
	if err != nil {
		return nil, err
	}
	attr, enable := *spec.AttributeName, *spec.Enabled
	switch {
	case t.TTLAttribute != "" && t.TTLAttribute != attr:
		return nil, invalid("TimeToLive is active on a different AttributeName: current AttributeName is %s", t.TTLAttribute)
	case enable && t.TTLAttribute != "":
		return nil, invalid("TimeToLive is already enabled")
	case !enable && t.TTLAttribute == "":
		return nil, invalid("TimeToLive is already disabled")
	}
	next := ""
	if enable {
		next = attr
	}
	if _, err := s.st.UpdateTable(ctx, name, store.TableUpdate{TTLAttribute: &next}); err != nil {
		return nil, err
	}
	return updateTimeToLiveOutput{TimeToLiveSpecification: *spec}, nil
}
