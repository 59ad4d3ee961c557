//lint:file-ignore SA1019 TagLogGroup, UntagLogGroup and ListTagsLogGroup are deprecated and still served: they are tested.

package awsapi

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/verge-edge/verge/internal/arn"
)

// TestLogsTags: CreateLogGroup's tags are kept; TagResource and
// TagLogGroup add and replace, UntagResource and UntagLogGroup remove,
// and both list forms read them back, through the SDK.
func TestLogsTags(t *testing.T) {
	e := newLogsEndpoint(t, LogsOptions{})
	cl, ctx := e.client(), context.Background()
	mustCreate(t, cl) // tags {"team": "web"}
	groupARN := aws.String(arn.LogGroupBare(appGroup))
	list := func() map[string]string {
		t.Helper()
		a, err := cl.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: groupARN})
		if err != nil {
			t.Fatal(err)
		}
		b, err := cl.ListTagsLogGroup(ctx, &cloudwatchlogs.ListTagsLogGroupInput{LogGroupName: aws.String(appGroup)})
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(a.Tags, b.Tags) {
			t.Errorf("ListTagsForResource %v, ListTagsLogGroup %v", a.Tags, b.Tags)
		}
		return a.Tags
	}
	steps := []struct {
		name string
		call func() error
		want map[string]string
	}{
		{"created", func() error { return nil }, map[string]string{"team": "web"}},
		{"TagResource", func() error {
			_, err := cl.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: groupARN, Tags: map[string]string{"team": "api", "env": "dev"}})
			return err
		}, map[string]string{"team": "api", "env": "dev"}},
		{"TagLogGroup", func() error {
			_, err := cl.TagLogGroup(ctx, &cloudwatchlogs.TagLogGroupInput{LogGroupName: aws.String(appGroup), Tags: map[string]string{"cost": "7"}})
			return err
		}, map[string]string{"team": "api", "env": "dev", "cost": "7"}},
		{"UntagResource", func() error {
			_, err := cl.UntagResource(ctx, &cloudwatchlogs.UntagResourceInput{ResourceArn: groupARN, TagKeys: []string{"env", "absent"}})
			return err
		}, map[string]string{"team": "api", "cost": "7"}},
		{"UntagLogGroup", func() error {
			_, err := cl.UntagLogGroup(ctx, &cloudwatchlogs.UntagLogGroupInput{LogGroupName: aws.String(appGroup), Tags: []string{"team"}})
			return err
		}, map[string]string{"cost": "7"}},
	}
	for _, s := range steps {
		if err := s.call(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := list(); !maps.Equal(got, s.want) {
			t.Errorf("after %s: tags %v, want %v", s.name, got, s.want)
		}
	}

}

// TestLogsTagErrors: the tag operations' refusals, with AWS's exception
// names and messages, through the SDK.
func TestLogsTagErrors(t *testing.T) {
	e := newLogsEndpoint(t, LogsOptions{})
	cl, ctx := e.client(), context.Background()
	mustCreate(t, cl)
	groupARN := aws.String(arn.LogGroupBare(appGroup))
	fifty := map[string]string{}
	for i := range 50 {
		fifty[fmt.Sprint("k", i)] = "v"
	}
	keyRule := `Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$]`
	for _, c := range []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"too many in all", func() error {
			_, err := cl.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: groupARN, Tags: fifty})
			return err
		}, "TooManyTagsException", "A resource can have no more than 50 tags."},
		{"too many in one call", func() error {
			_, err := cl.TagLogGroup(ctx, &cloudwatchlogs.TagLogGroupInput{LogGroupName: aws.String(appGroup), Tags: maps.Collect(func(yield func(string, string) bool) {
				for i := range 51 {
					yield(fmt.Sprint("k", i), "v")
				}
			})})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"},
		{"no tags", func() error {
			_, err := cl.TagResource(ctx, &cloudwatchlogs.TagResourceInput{ResourceArn: groupARN, Tags: map[string]string{}})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"unknown group", func() error {
			_, err := cl.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(arn.LogGroupBare("/nope"))})
			return err
		}, "ResourceNotFoundException", "The specified log group does not exist."},
		{"unknown group by name", func() error {
			_, err := cl.TagLogGroup(ctx, &cloudwatchlogs.TagLogGroupInput{LogGroupName: aws.String("/nope"), Tags: map[string]string{"a": "b"}})
			return err
		}, "ResourceNotFoundException", "The specified log group does not exist."},
		{"not a log group", func() error {
			_, err := cl.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:logs:us-east-1:000000000000:destination:d")})
			return err
		}, "ResourceNotFoundException", "The specified resource does not exist."},
		{"bad arn", func() error {
			_, err := cl.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String("arn with spaces")})
			return err
		}, "InvalidParameterException", `1 validation error detected: Value 'arn with spaces' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=/:,.@-]*`},
		{"arn with :*", func() error {
			_, err := cl.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(arn.LogGroup(appGroup))})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value '" + arn.LogGroup(appGroup) + `' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=/:,.@-]*`},
		{"bad key to remove", func() error {
			_, err := cl.UntagResource(ctx, &cloudwatchlogs.UntagResourceInput{ResourceArn: groupARN, TagKeys: []string{"a*b"}})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: " + keyRule},
		{"no keys to remove", func() error {
			_, err := cl.UntagLogGroup(ctx, &cloudwatchlogs.UntagLogGroupInput{LogGroupName: aws.String(appGroup), Tags: []string{}})
			return err
		}, "InvalidParameterException", "1 validation error detected: Value '[]' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1"},
	} {
		t.Run(c.name, func(t *testing.T) { wantAPIError(t, c.call(), c.code, c.msg) })
	}
}
