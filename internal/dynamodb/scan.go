package dynamodb

import (
	"context"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// scan serves Scan: a table's or index's items in key order, or one
// segment of a parallel scan, a page at a time (Limit items read, or
// 1 MB), filtered and projected after the read.
func (s *Service) scan(ctx context.Context, body []byte) (any, error) {
	r := &read{}
	if err := decode(body, &r.in); err != nil {
		return nil, err
	}
	in := &r.in
	if err := readConstraints(in); err != nil {
		return nil, err
	}
	err := checkExpressionParams(in,
		[]named{{"ProjectionExpression", in.ProjectionExpression != nil}, {"FilterExpression", in.FilterExpression != nil}},
		[]named{{"AttributesToGet", in.AttributesToGet != nil}, {"ScanFilter", in.ScanFilter != nil}, {"ConditionalOperator", in.ConditionalOperator != ""}},
		[]string{"FilterExpression"})
	if err != nil {
		return nil, err
	}
	if r.start, err = decodeStart(in.ExclusiveStartKey); err != nil {
		return nil, err
	}
	if err := checkSegments(in); err != nil {
		return nil, err
	}
	if _, err := r.parse(nil, in.ScanFilter); err != nil {
		return nil, err
	}
	if err := s.resolve(r); err != nil {
		return nil, err
	}
	if err := r.checkStart(); err != nil {
		return nil, err
	}
	sc := store.ScanInput{Table: r.table.Name, Limit: r.limit(), Start: r.startJSON()}
	if r.index != nil {
		sc.Index = r.index.Name
	}
	if in.TotalSegments != nil {
		sc.Segment, sc.TotalSegments = int(*in.Segment), int(*in.TotalSegments)
	}
	p, err := s.st.Scan(sc)
	if err != nil {
		return nil, err
	}
	return s.page(ctx, r, p)
}

// checkSegments checks that Segment and TotalSegments come together, the
// segment within the total.
func checkSegments(in *readInput) error {
	switch {
	case in.Segment != nil && in.TotalSegments == nil:
		return invalid("The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
	case in.TotalSegments != nil && in.Segment == nil:
		return invalid("The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
	case in.TotalSegments != nil && *in.Segment >= *in.TotalSegments:
		return invalid("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: %d is not less than TotalSegments: %d", *in.Segment, *in.TotalSegments)
	}
	return nil
}
