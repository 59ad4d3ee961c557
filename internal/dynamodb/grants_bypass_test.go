package dynamodb_test

import (
	"bytes"
	"context"
	"io"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/verge-edge/verge/internal/awsapi"
)

// TestGrantsMistypedMember: a request with a member the grants reader
// cannot decode (Statements as a number), which GetItem itself ignores,
// is still authorized: before, no grant was asked at all.
func TestGrantsMistypedMember(t *testing.T) {
	e := benchTable(t)
	inject := func(s *middleware.Stack) error {
		return s.Build.Add(middleware.BuildMiddlewareFunc("mistype", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
			req := in.Request.(*smithyhttp.Request)
			body, err := io.ReadAll(req.GetStream())
			if err != nil {
				return middleware.BuildOutput{}, middleware.Metadata{}, err
			}
			body = append([]byte(`{"Statements":5,`), bytes.TrimPrefix(body, []byte("{"))...)
			if req, err = req.SetStream(bytes.NewReader(body)); err != nil {
				return middleware.BuildOutput{}, middleware.Metadata{}, err
			}
			req.ContentLength = int64(len(body))
			in.Request = req
			return next.HandleBuild(ctx, in)
		}), middleware.After)
	}
	before := len(e.requests())
	_, err := e.db.GetItem(context.Background(), &awsddb.GetItemInput{TableName: aws.String("bench"),
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "a"}, "sk": &types.AttributeValueMemberN{Value: "0"}}},
		awsddb.WithAPIOptions(inject))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(e.requests()[before:], func(r awsapi.Request) bool { return r.Action == "dynamodb:GetItem" }) {
		t.Fatalf("GetItem with a mistyped member was served unauthorized: %+v", e.requests()[before:])
	}
}
