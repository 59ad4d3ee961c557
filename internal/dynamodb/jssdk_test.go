package dynamodb_test

import (
	"context"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/dynamodb/store"
	"github.com/verge-edge/verge/internal/sdks"
)

// jsDocScript drives DynamoDB with the AWS SDK for JavaScript v3: the
// document client of lib-dynamodb with plain JavaScript values, the
// low-level client's errors, and each response's X-Amz-Crc32 checked
// against its body by a request handler that wraps the SDK's own (argv:
// endpoint, secret).
const jsDocScript = `
const assert = require('assert');
const zlib = require('zlib');
const { Readable } = require('stream');
const { NodeHttpHandler } = require('@smithy/node-http-handler');
const ddb = require('@aws-sdk/client-dynamodb');
const lib = require('@aws-sdk/lib-dynamodb');
const [endpoint, secret] = process.argv.slice(2);

let checked = 0;
class CRCHandler {
  constructor() { this.inner = new NodeHttpHandler(); this.metadata = this.inner.metadata; }
  async handle(req, opts) {
    const out = await this.inner.handle(req, opts);
    const chunks = [];
    for await (const c of out.response.body) chunks.push(c);
    const body = Buffer.concat(chunks);
    const want = out.response.headers['x-amz-crc32'];
    assert.strictEqual(want, String(zlib.crc32(body)), 'x-amz-crc32 of ' + body.toString().slice(0, 200));
    checked++;
    out.response.body = Readable.from([body]);
    return out;
  }
  updateHttpClientConfig() {}
  httpHandlerConfigs() { return {}; }
  destroy() {}
}

(async () => {
  const newClient = () => new ddb.DynamoDBClient({ endpoint, region: 'us-east-1', maxAttempts: 1, requestHandler: new CRCHandler(),
    credentials: { accessKeyId: 'AKID', secretAccessKey: secret } });
  const client = newClient();
  const doc = lib.DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
    unmarshallOptions: { wrapNumbers: false } });
  await client.send(new ddb.CreateTableCommand({ TableName: 'docs', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }] }));
  await ddb.waitUntilTableExists({ client, maxWaitTime: 20, minDelay: 1 }, { TableName: 'docs' });

  class Point { constructor() { this.x = 1; this.y = 2; } }
  const item = { pk: 'a', sk: 1, n: 1.5, neg: -0.25, max: Number.MAX_SAFE_INTEGER, s: '', t: true, f: false, nil: null,
    strs: new Set(['x', 'y']), nums: new Set([1, 2]), bin: new Uint8Array([0, 1, 255]),
    nested: { l: [1, 'two', null, true, { deep: [3.14] }], m: {} }, p: new Point(), gone: undefined };
  await doc.send(new lib.PutCommand({ TableName: 'docs', Item: item }));
  const got = (await doc.send(new lib.GetCommand({ TableName: 'docs', Key: { pk: 'a', sk: 1 }, ConsistentRead: true }))).Item;
  delete item.gone;
  item.p = { x: 1, y: 2 };
  assert.deepStrictEqual(got, item);

  // Numbers beyond a double: NumberValue in, NumberValue out.
  const big = '12345678901234567890123456789012345678';
  await doc.send(new lib.PutCommand({ TableName: 'docs', Item: { pk: 'big', sk: 1, v: lib.NumberValue.from(big) } }));
  // (from() keeps its options in the client's config: a second client, then)
  const wrapped = lib.DynamoDBDocumentClient.from(newClient(), { unmarshallOptions: { wrapNumbers: true } });
  const gb = (await wrapped.send(new lib.GetCommand({ TableName: 'docs', Key: { pk: 'big', sk: 1 } }))).Item;
  assert.strictEqual(gb.v.toString(), big);
  const gu = (await doc.send(new lib.GetCommand({ TableName: 'docs', Key: { pk: 'big', sk: 1 } }))).Item;
  assert.strictEqual(String(gu.v), big); // past 2^53, unwrapped too: the SDK keeps the digits

  const u = await doc.send(new lib.UpdateCommand({ TableName: 'docs', Key: { pk: 'a', sk: 1 },
    UpdateExpression: 'SET nested.l[0] = :z, #c = if_not_exists(#c, :zero) + :one ADD strs :more DELETE nums :x REMOVE nil',
    ExpressionAttributeNames: { '#c': 'count' },
    ExpressionAttributeValues: { ':z': 'zero', ':zero': 0, ':one': 1, ':more': new Set(['z']), ':x': new Set([1]) },
    ReturnValues: 'UPDATED_NEW' }));
  assert.deepStrictEqual(u.Attributes, { nested: { l: ['zero'] }, count: 1, strs: new Set(['x', 'y', 'z']), nums: new Set([2]) });

  for (let i = 2; i <= 6; i++) await doc.send(new lib.PutCommand({ TableName: 'docs', Item: { pk: 'a', sk: i, tag: i % 2 ? 'odd' : 'even' } }));
  const q = await doc.send(new lib.QueryCommand({ TableName: 'docs', KeyConditionExpression: 'pk = :p AND sk BETWEEN :lo AND :hi',
    FilterExpression: 'tag = :t', ExpressionAttributeValues: { ':p': 'a', ':lo': 2, ':hi': 5, ':t': 'odd' }, ScanIndexForward: false }));
  assert.deepStrictEqual(q.Items, [{ pk: 'a', sk: 5, tag: 'odd' }, { pk: 'a', sk: 3, tag: 'odd' }]);
  assert.strictEqual(q.Count, 2); assert.strictEqual(q.ScannedCount, 4);
  let pages = 0, seen = 0;
  for await (const p of lib.paginateQuery({ client: doc, pageSize: 2 }, { TableName: 'docs', KeyConditionExpression: 'pk = :p',
    ExpressionAttributeValues: { ':p': 'a' } })) { pages++; seen += p.Count; }
  assert.strictEqual(seen, 6); assert.ok(pages >= 3, pages);

  await doc.send(new lib.TransactWriteCommand({ TransactItems: [
    { Put: { TableName: 'docs', Item: { pk: 'tx', sk: 1, s: new Set(['a']) }, ConditionExpression: 'attribute_not_exists(pk)' } },
    { Update: { TableName: 'docs', Key: { pk: 'a', sk: 2 }, UpdateExpression: 'SET tag = :t', ExpressionAttributeValues: { ':t': 'tx' } } }] }));
  const err = await doc.send(new lib.TransactWriteCommand({ TransactItems: [
    { Delete: { TableName: 'docs', Key: { pk: 'a', sk: 3 } } },
    { Put: { TableName: 'docs', Item: { pk: 'tx', sk: 1 }, ConditionExpression: 'attribute_not_exists(pk)',
             ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } }] })).then(() => null, e => e);
  assert.ok(err, 'no error');
  assert.strictEqual(err.name, 'TransactionCanceledException');
  assert.deepStrictEqual(err.CancellationReasons.map(r => r.Code), ['None', 'ConditionalCheckFailed']);
  assert.deepStrictEqual(err.CancellationReasons[1].Item, { pk: { S: 'tx' }, sk: { N: '1' }, s: { SS: ['a'] } });
  assert.strictEqual(err.$metadata.httpStatusCode, 400);
  const tg = await doc.send(new lib.TransactGetCommand({ TransactItems: [{ Get: { TableName: 'docs', Key: { pk: 'a', sk: 3 } } },
    { Get: { TableName: 'docs', Key: { pk: 'a', sk: 2 }, ProjectionExpression: 'tag' } }] }));
  assert.deepStrictEqual(tg.Responses, [{ Item: { pk: 'a', sk: 3, tag: 'odd' } }, { Item: { tag: 'tx' } }]);

  // A failed condition returns the item (ALL_OLD) on the exception.
  const cf = await client.send(new ddb.PutItemCommand({ TableName: 'docs', Item: { pk: { S: 'a' }, sk: { N: '2' } },
    ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })).then(() => null, e => e);
  assert.ok(cf instanceof ddb.ConditionalCheckFailedException, String(cf));
  assert.strictEqual(cf.message, 'The conditional request failed');
  assert.deepStrictEqual(cf.Item, { pk: { S: 'a' }, sk: { N: '2' }, tag: { S: 'tx' } });
  const cu = await doc.send(new lib.UpdateCommand({ TableName: 'docs', Key: { pk: 'a', sk: 2 }, UpdateExpression: 'SET tag = :t',
    ConditionExpression: 'tag = :old', ExpressionAttributeValues: { ':t': 'x', ':old': 'even' },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })).then(() => null, e => e);
  assert.strictEqual(cu && cu.name, 'ConditionalCheckFailedException');
  assert.deepStrictEqual(cu.Item, { pk: { S: 'a' }, sk: { N: '2' }, tag: { S: 'tx' } });

  // Batches with plain values; convertEmptyValues writes an empty set as NULL.
  const empties = lib.DynamoDBDocumentClient.from(newClient(), { marshallOptions: { convertEmptyValues: true } });
  await empties.send(new lib.PutCommand({ TableName: 'docs', Item: { pk: 'e', sk: 1, none: new Set(), s: '' } }));
  const ge = (await doc.send(new lib.GetCommand({ TableName: 'docs', Key: { pk: 'e', sk: 1 } }))).Item;
  assert.deepStrictEqual(ge, { pk: 'e', sk: 1, none: null, s: null });
  const bw = await doc.send(new lib.BatchWriteCommand({ RequestItems: { docs: [
    ...Array.from({ length: 20 }, (_, i) => ({ PutRequest: { Item: { pk: 'bw', sk: i, v: { i, odd: i % 2 === 1 } } } })),
    { DeleteRequest: { Key: { pk: 'e', sk: 1 } } }] } }));
  assert.deepStrictEqual(bw.UnprocessedItems, {});
  const bg = await doc.send(new lib.BatchGetCommand({ RequestItems: { docs: {
    Keys: [{ pk: 'bw', sk: 3 }, { pk: 'e', sk: 1 }, { pk: 'bw', sk: 19 }], ProjectionExpression: 'sk, v.odd' } } }));
  assert.deepStrictEqual(bg.Responses.docs.sort((a, b) => a.sk - b.sk), [{ sk: 3, v: { odd: true } }, { sk: 19, v: { odd: true } }]);
  assert.deepStrictEqual(bg.UnprocessedKeys, {});
  let scanned = 0;
  for await (const p of lib.paginateScan({ client: doc, pageSize: 7 }, { TableName: 'docs', FilterExpression: 'v.odd = :t',
    ExpressionAttributeValues: { ':t': true } })) scanned += p.Count;
  assert.strictEqual(scanned, 10);

  const nf = await doc.send(new lib.GetCommand({ TableName: 'nope', Key: { pk: 'a', sk: 1 } })).then(() => null, e => e);
  assert.ok(nf instanceof ddb.ResourceNotFoundException, String(nf));
  const bad = await doc.send(new lib.GetCommand({ TableName: 'docs', Key: { pk: 'a' } })).then(() => null, e => e);
  assert.strictEqual(bad && bad.name, 'ValidationException');
  assert.strictEqual(bad.message, 'The provided key element does not match the schema');
  assert.ok(checked > 20, checked);
  console.log('ok');
})().catch(e => { console.error(e); process.exit(1); });
`

// TestJSDocumentClient: the AWS SDK for JavaScript v3's document client
// (skipped without node or the SDK in the shared cache).
func TestJSDocumentClient(t *testing.T) {
	node, err := osexec.LookPath("node")
	if err != nil {
		t.Skip("no node")
	}
	p := sdks.New(sdks.DefaultDir(), nil)
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	modules, err := p.Node(ctx)
	if err != nil {
		t.Skipf("no AWS SDK for JavaScript v3: %v", err)
	}
	e := newEnv(t, store.Options{})
	script := filepath.Join(t.TempDir(), "doc.js")
	if err := os.WriteFile(script, []byte(jsDocScript), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := osexec.Command(node, script, e.srv.URL, testToken)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "NODE_NO_WARNINGS=1")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("%v\n%s", err, out)
	}
}
