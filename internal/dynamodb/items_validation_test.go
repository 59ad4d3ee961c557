package dynamodb_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awsddb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// vals is an ExpressionAttributeValues map of one value.
func vals(k string, v types.AttributeValue) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{k: v}
}

// item is an item of table "tbl" with attribute v.
func item(id string, v types.AttributeValue) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"id": s(id), "v": v}
}

// TestItemValidation: requests AWS refuses are refused with its code and
// message, word for word.
func TestItemValidation(t *testing.T) {
	e := itemsEnv(t)
	ctx := context.Background()
	tbl := aws.String("tbl")
	big := strings.Repeat("x", 300<<10)
	if _, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("big", s(big))}); err != nil {
		t.Fatal(err)
	}
	const (
		invalid  = "ValidationException"
		enumRV   = "1 validation error detected: Value '%s' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"
		mixed    = "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {%s} Expression parameters: {%s}"
		badRV    = "Return values set to invalid value"
		schema   = "The provided key element does not match the schema"
		keyAttr  = "One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key"
		dupKeys  = "Provided list of item keys contains duplicates"
		oneItem  = "Transaction request cannot include multiple operations on one item"
		notFound = "Requested resource not found"
	)
	exists := true
	cases := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"put ALL_NEW", func() error {
			_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", n("1")), ReturnValues: types.ReturnValueAllNew})
			return err
		}, invalid, badRV},
		{"put enum", func() error {
			_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", n("1")), ReturnValues: "BOGUS"})
			return err
		}, invalid, fmt.Sprintf(enumRV, "BOGUS")},
		{"put two enums", func() error {
			_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", n("1")), ReturnValues: "X", ReturnConsumedCapacity: "Y"})
			return err
		}, invalid, "2 validation errors detected: Value 'X' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]; " +
			"Value 'Y' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"},
		{"put mixed", func() error {
			_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", n("1")), ConditionExpression: aws.String("attribute_not_exists(id)"),
				Expected: map[string]types.ExpectedAttributeValue{"id": {Exists: aws.Bool(false)}}})
			return err
		}, invalid, fmt.Sprintf(mixed, "Expected", "ConditionExpression")},
		{"put values without expression", func() error {
			_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", n("1")), ExpressionAttributeValues: vals(":x", n("1"))})
			return err
		}, invalid, "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"},
		{"put names without expression", func() error {
			_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", n("1")), ExpressionAttributeNames: map[string]string{"#v": "v"}})
			return err
		}, invalid, "ExpressionAttributeNames can only be specified when using expressions"},
		{"put unused value", func() error {
			_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", n("1")), ConditionExpression: aws.String("attribute_not_exists(id)"),
				ExpressionAttributeValues: vals(":x", n("1"))})
			return err
		}, invalid, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}"},
		{"put missing key", func() error {
			_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"v": n("1")}})
			return err
		}, invalid, "One or more parameter values were invalid: Missing the key id in the item"},
		{"put key type", func() error {
			_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: map[string]types.AttributeValue{"id": n("1")}})
			return err
		}, invalid, "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N"},
		{"put too large", func() error {
			_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", s(big+big))})
			return err
		}, invalid, "Item size has exceeded the maximum allowed size"},
		{"put no table", func() error {
			_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: aws.String("nope"), Item: item("a", n("1"))})
			return err
		}, "ResourceNotFoundException", notFound},
		{"put bad condition", func() error {
			_, err := e.db.PutItem(ctx, &awsddb.PutItemInput{TableName: tbl, Item: item("a", n("1")), ConditionExpression: aws.String("v = :nope")})
			return err
		}, invalid, "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope"},
		{"delete UPDATED_NEW", func() error {
			_, err := e.db.DeleteItem(ctx, &awsddb.DeleteItemInput{TableName: tbl, Key: key("a"), ReturnValues: types.ReturnValueUpdatedNew})
			return err
		}, invalid, badRV},
		{"delete key schema", func() error {
			_, err := e.db.DeleteItem(ctx, &awsddb.DeleteItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"id": s("a"), "x": s("b")}})
			return err
		}, invalid, schema},
		{"update key attribute", func() error {
			_, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: tbl, Key: key("a"), UpdateExpression: aws.String("SET id = :x"),
				ExpressionAttributeValues: vals(":x", s("b"))})
			return err
		}, invalid, keyAttr},
		{"update key attribute legacy", func() error {
			_, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: tbl, Key: key("a"),
				AttributeUpdates: map[string]types.AttributeValueUpdate{"id": {Value: s("b")}}})
			return err
		}, invalid, keyAttr},
		{"update mixed", func() error {
			_, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: tbl, Key: key("a"), UpdateExpression: aws.String("SET v = :x"),
				ExpressionAttributeValues: vals(":x", s("b")), AttributeUpdates: map[string]types.AttributeValueUpdate{"w": {Value: s("b")}},
				Expected: map[string]types.ExpectedAttributeValue{"v": {Exists: &exists, Value: s("b")}}})
			return err
		}, invalid, fmt.Sprintf(mixed, "AttributeUpdates, Expected", "UpdateExpression")},
		{"update values without expression", func() error {
			_, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: tbl, Key: key("a"), ExpressionAttributeValues: vals(":x", n("1"))})
			return err
		}, invalid, "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null"},
		{"update too large", func() error {
			_, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: tbl, Key: key("big"), UpdateExpression: aws.String("SET w = :x"),
				ExpressionAttributeValues: vals(":x", s(big))})
			return err
		}, invalid, "Item size to update has exceeded the maximum allowed size"},
		{"update operand type", func() error {
			_, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: tbl, Key: key("big"), UpdateExpression: aws.String("ADD v :x"),
				ExpressionAttributeValues: vals(":x", n("1"))})
			return err
		}, invalid, "An operand in the update expression has an incorrect data type"},
		{"update key schema", func() error {
			_, err := e.db.UpdateItem(ctx, &awsddb.UpdateItemInput{TableName: tbl, Key: map[string]types.AttributeValue{"id": n("1")}})
			return err
		}, invalid, schema},
		{"get mixed", func() error {
			_, err := e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: tbl, Key: key("a"), ProjectionExpression: aws.String("v"), AttributesToGet: []string{"v"}})
			return err
		}, invalid, fmt.Sprintf(mixed, "AttributesToGet", "ProjectionExpression")},
		{"get names without projection", func() error {
			_, err := e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: tbl, Key: key("a"), ExpressionAttributeNames: map[string]string{"#v": "v"}})
			return err
		}, invalid, "ExpressionAttributeNames can only be specified when using expressions"},
		{"get unused name", func() error {
			_, err := e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: tbl, Key: key("a"), ProjectionExpression: aws.String("v"),
				ExpressionAttributeNames: map[string]string{"#v": "v"}})
			return err
		}, invalid, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#v}"},
		{"get no table", func() error {
			_, err := e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: aws.String("nope"), Key: key("a")})
			return err
		}, "ResourceNotFoundException", notFound},
		{"batch get too many in a table", func() error {
			var keys []map[string]types.AttributeValue
			for i := range 101 {
				keys = append(keys, key(fmt.Sprint(i)))
			}
			_, err := e.db.BatchGetItem(ctx, &awsddb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"tbl": {Keys: keys}}})
			return err
		}, invalid, "1 validation error detected: Value at 'requestItems.tbl.member.keys' failed to satisfy constraint: Member must have length less than or equal to 100"},
		{"batch get too many", func() error {
			var keys, sortedKeys []map[string]types.AttributeValue
			for i := range 60 {
				keys = append(keys, key(fmt.Sprint(i)))
				sortedKeys = append(sortedKeys, map[string]types.AttributeValue{"pk": s("p"), "sk": n(fmt.Sprint(i))})
			}
			_, err := e.db.BatchGetItem(ctx, &awsddb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"tbl": {Keys: keys}, "sorted": {Keys: sortedKeys}}})
			return err
		}, invalid, "Too many items requested for the BatchGetItem call"},
		{"batch get duplicates", func() error {
			_, err := e.db.BatchGetItem(ctx, &awsddb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"tbl": {Keys: []map[string]types.AttributeValue{key("a"), key("a")}}}})
			return err
		}, invalid, dupKeys},
		{"batch get duplicate numbers", func() error {
			k := func(v string) map[string]types.AttributeValue {
				return map[string]types.AttributeValue{"pk": s("p"), "sk": n(v)}
			}
			_, err := e.db.BatchGetItem(ctx, &awsddb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"sorted": {Keys: []map[string]types.AttributeValue{k("1"), k("1.0")}}}})
			return err
		}, invalid, dupKeys},
		{"batch get key schema", func() error {
			_, err := e.db.BatchGetItem(ctx, &awsddb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"tbl": {Keys: []map[string]types.AttributeValue{{"id": n("1")}}}}})
			return err
		}, invalid, schema},
		{"batch write too many in a table", func() error {
			var reqs []types.WriteRequest
			for i := range 26 {
				reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: key(fmt.Sprint(i))}})
			}
			_, err := e.db.BatchWriteItem(ctx, &awsddb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"tbl": reqs}})
			return err
		}, invalid, "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"},
		{"batch write too many", func() error {
			var reqs, sortedReqs []types.WriteRequest
			for i := range 13 {
				reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: key(fmt.Sprint(i))}})
				sortedReqs = append(sortedReqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": s("p"), "sk": n(fmt.Sprint(i))}}})
			}
			_, err := e.db.BatchWriteItem(ctx, &awsddb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"tbl": reqs, "sorted": sortedReqs}})
			return err
		}, invalid, "Too many items requested for the BatchWriteItem call"},
		{"batch write empty request", func() error {
			_, err := e.db.BatchWriteItem(ctx, &awsddb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"tbl": {{}}}})
			return err
		}, invalid, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"},
		{"batch write duplicates", func() error {
			_, err := e.db.BatchWriteItem(ctx, &awsddb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"tbl": {
				{PutRequest: &types.PutRequest{Item: key("a")}}, {DeleteRequest: &types.DeleteRequest{Key: key("a")}}}}})
			return err
		}, invalid, dupKeys},
		{"batch write no table", func() error {
			_, err := e.db.BatchWriteItem(ctx, &awsddb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"nope": {
				{PutRequest: &types.PutRequest{Item: key("a")}}}}})
			return err
		}, "ResourceNotFoundException", notFound},
		{"transact one item twice", func() error {
			_, err := e.db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
				{Put: &types.Put{TableName: tbl, Item: key("a")}}, {Delete: &types.Delete{TableName: tbl, Key: key("a")}}}})
			return err
		}, invalid, oneItem},
		{"transact too many", func() error {
			var items []types.TransactWriteItem
			for i := range 101 {
				items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: tbl, Item: key(fmt.Sprint(i))}})
			}
			_, err := e.db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{TransactItems: items})
			return err
		}, invalid, "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100"},
		{"transact update key attribute", func() error {
			_, err := e.db.TransactWriteItems(ctx, &awsddb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
				{Update: &types.Update{TableName: tbl, Key: key("a"), UpdateExpression: aws.String("REMOVE id")}}}})
			return err
		}, invalid, keyAttr},
		{"transact get one item twice", func() error {
			_, err := e.db.TransactGetItems(ctx, &awsddb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{
				{Get: &types.Get{TableName: tbl, Key: key("a")}}, {Get: &types.Get{TableName: tbl, Key: key("a")}}}})
			return err
		}, invalid, oneItem},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantError(t, c.call(), c.code, c.msg) })
	}
	// Nothing refused was written.
	g, err := e.db.GetItem(ctx, &awsddb.GetItemInput{TableName: tbl, Key: key("a"), ConsistentRead: aws.Bool(true)})
	if err != nil || g.Item != nil {
		t.Fatalf("item a after refused requests: %v %v", g.Item, err)
	}
}

// TestErrorCRC32: an error's response carries X-Amz-Crc32 as every
// DynamoDB response does, the CRC32 of the body the SDKs check.
func TestErrorCRC32(t *testing.T) {
	e := itemsEnv(t)
	body := `{"TableName":"nope","Key":{"id":{"S":"a"}}}`
	req, err := http.NewRequest("POST", e.srv.URL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.GetItem")
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: testToken},
		req, hex.EncodeToString(sum[:]), "dynamodb", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	want := strconv.FormatUint(uint64(crc32.ChecksumIEEE(got)), 10)
	if resp.StatusCode != 400 || resp.Header.Get("X-Amz-Crc32") != want {
		t.Errorf("%d X-Amz-Crc32 %q, want %q: %s", resp.StatusCode, resp.Header.Get("X-Amz-Crc32"), want, got)
	}
}
