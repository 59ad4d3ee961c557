package dynamodb_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// show prints an item compactly, attributes sorted: {a:N1 b:S"x"}; "nil"
// for a nil map.
func show(m map[string]types.AttributeValue) string {
	if m == nil {
		return "nil"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(k + ":" + showValue(m[k]))
	}
	return b.String() + "}"
}

func showValue(v types.AttributeValue) string {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return fmt.Sprintf("S%q", v.Value)
	case *types.AttributeValueMemberN:
		return "N" + v.Value
	case *types.AttributeValueMemberM:
		return "M" + show(v.Value)
	case *types.AttributeValueMemberL:
		var parts []string
		for _, x := range v.Value {
			parts = append(parts, showValue(x))
		}
		return "L[" + strings.Join(parts, " ") + "]"
	case *types.AttributeValueMemberSS:
		return fmt.Sprintf("SS%q", v.Value)
	case *types.AttributeValueMemberNS:
		return fmt.Sprintf("NS%v", v.Value)
	case *types.AttributeValueMemberBOOL:
		return fmt.Sprint("BOOL", v.Value)
	case *types.AttributeValueMemberNULL:
		return "NULL"
	}
	return fmt.Sprintf("%T", v)
}

// TestUpdateItemReturnValues: each ReturnValues of UpdateItem over an
// existing and an absent item (UpdateItem creates it).
func TestUpdateItemReturnValues(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	cases := []struct {
		rv             types.ReturnValue
		exists, absent string
	}{
		{types.ReturnValueNone, "nil", "nil"},
		{types.ReturnValueAllOld, `{a:N1 b:S"x" id:S"k" m:M{p:N1 q:N2}}`, "nil"},
		{types.ReturnValueUpdatedOld, `{a:N1 m:M{p:N1}}`, "nil"},
		{types.ReturnValueAllNew, `{a:N2 b:S"x" c:S"new" id:S"k" m:M{p:N5 q:N2}}`, `{a:N1 c:S"new" id:S"k"}`},
		{types.ReturnValueUpdatedNew, `{a:N2 c:S"new" m:M{p:N5}}`, `{a:N1 c:S"new"}`},
	}
	for _, c := range cases {
		t.Run(string(c.rv), func(t *testing.T) {
			for _, existing := range []bool{true, false} {
				id := fmt.Sprint(c.rv, existing)
				if existing {
					if _, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String("tbl"), Item: map[string]types.AttributeValue{
						"id": s(id), "a": n("1"), "b": s("x"), "m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"p": n("1"), "q": n("2")}}}}); err != nil {
						t.Fatal(err)
					}
				}
				ue := "ADD a :one SET c = :c"
				if existing {
					ue += ", m.p = :five"
				}
				vs := map[string]types.AttributeValue{":one": n("1"), ":c": s("new")}
				if existing {
					vs[":five"] = n("5")
				}
				out, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: aws.String("tbl"), Key: key(id), UpdateExpression: aws.String(ue),
					ExpressionAttributeValues: vs, ReturnValues: c.rv})
				if err != nil {
					t.Fatal(err)
				}
				want := c.absent
				if existing {
					want = c.exists
				}
				if got := strings.ReplaceAll(show(out.Attributes), `"`+id+`"`, `"k"`); got != want {
					t.Errorf("existing %v: Attributes %s, want %s", existing, got, want)
				}
			}
		})
	}
}

// TestPutDeleteReturnValues: ALL_OLD of PutItem and DeleteItem is the
// item replaced or removed, none when there was none.
func TestPutDeleteReturnValues(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	tbl := aws.String("tbl")
	put := func(v string) string {
		out, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", s(v)), ReturnValues: types.ReturnValueAllOld})
		if err != nil {
			t.Fatal(err)
		}
		return show(out.Attributes)
	}
	del := func() string {
		out, err := e.db.DeleteItem(ctx, &awsddb.DeleteItemInput{TableName: tbl, Key: key("a"), ReturnValues: types.ReturnValueAllOld})
		if err != nil {
			t.Fatal(err)
		}
		return show(out.Attributes)
	}
	steps := []struct{ got, want string }{
		{put("1"), "nil"},
		{put("2"), `{id:S"a" v:S"1"}`},
		{del(), `{id:S"a" v:S"2"}`},
		{del(), "nil"},
	}
	for i, st := range steps {
		if st.got != st.want {
			t.Errorf("step %d: %s, want %s", i, st.got, st.want)
		}
	}
}

// TestConditionFailure: a failed condition is AWS's
// ConditionalCheckFailedException, carrying the item with
// ReturnValuesOnConditionCheckFailure ALL_OLD only, and writes nothing.
func TestConditionFailure(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	tbl := aws.String("tbl")
	if _, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", n("1"))}); err != nil {
		t.Fatal(err)
	}
	cond := aws.String("v = :two")
	two := vals(":two", n("2"))
	for _, onFail := range []types.ReturnValuesOnConditionCheckFailure{types.ReturnValuesOnConditionCheckFailureAllOld, types.ReturnValuesOnConditionCheckFailureNone} {
		calls := map[string]func() error{
			"put": func() error {
				_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", n("9")), ConditionExpression: cond,
					ExpressionAttributeValues: two, ReturnValuesOnConditionCheckFailure: onFail})
				return err
			},
			"update": func() error {
				_, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: tbl, Key: key("a"), UpdateExpression: aws.String("SET w = :two"),
					ConditionExpression: cond, ExpressionAttributeValues: two, ReturnValuesOnConditionCheckFailure: onFail})
				return err
			},
			"delete": func() error {
				_, err := e.db.DeleteItem(ctx, &awsddb.DeleteItemInput{TableName: tbl, Key: key("a"), ConditionExpression: cond,
					ExpressionAttributeValues: two, ReturnValuesOnConditionCheckFailure: onFail})
				return err
			},
		}
		for name, call := range calls {
			err := call()
			var ccf *types.ConditionalCheckFailedException
			if !errors.As(err, &ccf) || ccf.ErrorMessage() != "The conditional request failed" {
				t.Fatalf("%s %s: %v", name, onFail, err)
			}
			want := "nil"
			if onFail == types.ReturnValuesOnConditionCheckFailureAllOld {
				want = `{id:S"a" v:N1}`
			}
			if got := show(ccf.Item); got != want {
				t.Errorf("%s %s: Item %s, want %s", name, onFail, got, want)
			}
		}
	}
	// Absent item, ALL_OLD: no Item.
	_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("b", n("9")), ConditionExpression: aws.String("attribute_exists(id)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) || ccf.Item != nil {
		t.Fatalf("absent item: %v", err)
	}
	g, err := e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: tbl, Key: key("a")})
	if err != nil || show(g.Item) != `{id:S"a" v:N1}` {
		t.Fatalf("after failed conditions: %s %v", show(g.Item), err)
	}
}

// TestLegacyParameters: Expected with ConditionalOperator, AttributeUpdates
// and AttributesToGet act as their expressions do.
func TestLegacyParameters(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	tbl := aws.String("tbl")
	if _, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"id": s("a"), "v": n("1"), "w": s("x")},
		Expected: map[string]types.ExpectedAttributeValue{"id": {Exists: aws.Bool(false)}}}); err != nil {
		t.Fatal(err)
	}
	// Put again with Exists false: refused.
	_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: key("a"), Expected: map[string]types.ExpectedAttributeValue{"id": {Exists: aws.Bool(false)}}})
	wantError(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	// OR: one of two holds.
	either := map[string]types.ExpectedAttributeValue{
		"v": {ComparisonOperator: types.ComparisonOperatorGt, AttributeValueList: []types.AttributeValue{n("5")}},
		"w": {Value: s("x")},
	}
	_, err = e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: tbl, Key: key("a"), Expected: either, ConditionalOperator: types.ConditionalOperatorAnd,
		AttributeUpdates: map[string]types.AttributeValueUpdate{"v": {Action: types.AttributeActionAdd, Value: n("1")}}})
	wantError(t, err, "ConditionalCheckFailedException", "The conditional request failed")
	out, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: tbl, Key: key("a"), Expected: either, ConditionalOperator: types.ConditionalOperatorOr,
		AttributeUpdates: map[string]types.AttributeValueUpdate{
			"v": {Action: types.AttributeActionAdd, Value: n("1")},
			"w": {Action: types.AttributeActionDelete},
			"l": {Action: types.AttributeActionAdd, Value: &types.AttributeValueMemberL{Value: []types.AttributeValue{s("e")}}},
		}, ReturnValues: types.ReturnValueAllNew})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := show(out.Attributes), `{id:S"a" l:L[S"e"] v:N2}`; got != want {
		t.Errorf("after AttributeUpdates: %s, want %s", got, want)
	}
	g, err := e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: tbl, Key: key("a"), AttributesToGet: []string{"v", "nope"}})
	if err != nil || show(g.Item) != `{v:N2}` {
		t.Fatalf("AttributesToGet: %s %v", show(g.Item), err)
	}
	// A legacy update that only deletes does not create an absent item;
	// an expression update does.
	if _, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: tbl, Key: key("b"),
		AttributeUpdates: map[string]types.AttributeValueUpdate{"w": {Action: types.AttributeActionDelete}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: tbl, Key: key("c"), UpdateExpression: aws.String("REMOVE w")}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"b": "nil", "c": `{id:S"c"}`} {
		g, err := e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: tbl, Key: key(id)})
		if err != nil || show(g.Item) != want {
			t.Errorf("item %s: %s %v, want %s", id, show(g.Item), err, want)
		}
	}
}

// TestGetItemProjection: ProjectionExpression with names picks nested
// parts; a projection matching nothing of an existing item is an empty
// Item, an absent item none.
func TestGetItemProjection(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	tbl := aws.String("tbl")
	if _, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"id": s("a"),
		"m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"p": n("1"), "q": n("2")}},
		"l": &types.AttributeValueMemberL{Value: []types.AttributeValue{s("x"), s("y"), s("z")}}}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		id, proj, want string
	}{
		{"a", "#m.q, l[2]", `{l:L[S"z"] m:M{q:N2}}`},
		{"a", "nope", `{}`},
		{"b", "id", "nil"},
	}
	for _, c := range cases {
		var names map[string]string
		if strings.Contains(c.proj, "#m") {
			names = map[string]string{"#m": "m"}
		}
		g, err := e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: tbl, Key: key(c.id), ProjectionExpression: aws.String(c.proj),
			ExpressionAttributeNames: names, ConsistentRead: aws.Bool(true)})
		if err != nil || show(g.Item) != c.want {
			t.Errorf("%s %q: %s %v, want %s", c.id, c.proj, show(g.Item), err, c.want)
		}
	}
}
