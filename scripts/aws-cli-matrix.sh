#!/bin/sh
# aws-cli-matrix.sh runs the AWS CLI (Debian's awscli, or any aws on PATH)
# against the quickstart under `verge dev` and checks each operation Verge
# serves answers, and each it does not answers an error that names it.
# Usage: scripts/aws-cli-matrix.sh [VERGE_BINARY]   (default: go build ./cmd/verge)
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
if [ $# -ge 1 ]; then verge=$1; else go build -o "$work/bin/" ./cmd/verge ./cmd/verge-sandbox; verge=$work/bin/verge; fi
cp -r examples/quickstart "$work/qs"
admin=127.0.0.1:${VERGE_TEST_ADMIN_PORT:-18081}
VERGE_ADMIN_TOKEN=matrix-token "$verge" dev --listen 127.0.0.1:0 --admin "$admin" "$work/qs" >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -fs "http://$admin/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

export AWS_ACCESS_KEY_ID=AKIAVERGEADMIN000000 AWS_SECRET_ACCESS_KEY=matrix-token AWS_DEFAULT_REGION=us-east-1
aws="aws --endpoint-url http://$admin"
fail=0
ok() { # ok DESCRIPTION CMD...: the command succeeds
	d=$1; shift
	if out=$("$@" 2>&1); then echo "ok    $d"; else echo "FAIL  $d: $out"; fail=1; fi
}
err() { # err DESCRIPTION CODE CMD...: the command fails with CODE
	d=$1; code=$2; shift 2
	if out=$("$@" 2>&1); then echo "FAIL  $d: succeeded"; fail=1
	elif echo "$out" | grep -q "($code)"; then echo "ok    $d ($code)"
	else echo "FAIL  $d: $out"; fail=1; fi
}
ok "lambda list-functions" $aws lambda list-functions
ok "lambda get-function" $aws lambda get-function --function-name hello
ok "lambda get-function-configuration" $aws lambda get-function-configuration --function-name hello
ok "lambda get-account-settings" $aws lambda get-account-settings
ok "lambda list-versions-by-function" $aws lambda list-versions-by-function --function-name hello
ok "lambda list-aliases" $aws lambda list-aliases --function-name hello
ok "lambda get-function-event-invoke-config" $aws lambda get-function-event-invoke-config --function-name hello
ok "lambda list-event-source-mappings" $aws lambda list-event-source-mappings
ok "lambda get-policy" $aws lambda get-policy --function-name hello
ok "lambda wait function-active-v2" $aws lambda wait function-active-v2 --function-name hello
ok "lambda invoke" $aws lambda invoke --function-name hello "$work/out.json"
ok "logs describe-log-groups" $aws logs describe-log-groups --log-group-name-prefix /aws/lambda/
ok "logs describe-log-streams" $aws logs describe-log-streams --log-group-name /aws/lambda/hello --order-by LastEventTime --descending
stream=$($aws logs describe-log-streams --log-group-name /aws/lambda/hello --query 'logStreams[0].logStreamName' --output text 2>/dev/null || true)
ok "logs get-log-events" $aws logs get-log-events --log-group-name /aws/lambda/hello --log-stream-name "$stream" --start-from-head
ok "logs filter-log-events" $aws logs filter-log-events --log-group-name /aws/lambda/hello --filter-pattern '"hello invoked"'
err "logs filter-log-events, unknown group" ResourceNotFoundException $aws logs filter-log-events --log-group-name /aws/lambda/nope
ok "logs create-log-group" $aws logs create-log-group --log-group-name /matrix/app --tags team=web
err "logs create-log-group, exists" ResourceAlreadyExistsException $aws logs create-log-group --log-group-name /matrix/app
ok "logs tag-resource" $aws logs tag-resource --resource-arn arn:aws:logs:us-east-1:000000000000:log-group:/matrix/app --tags env=dev
ok "logs list-tags-for-resource" sh -c "$aws logs list-tags-for-resource --resource-arn arn:aws:logs:us-east-1:000000000000:log-group:/matrix/app --query 'join(\`,\`, [tags.team, tags.env])' --output text | grep -qx web,dev"
ok "logs untag-resource" $aws logs untag-resource --resource-arn arn:aws:logs:us-east-1:000000000000:log-group:/matrix/app --tag-keys env
ok "logs list-tags-log-group" sh -c "$aws logs list-tags-log-group --log-group-name /matrix/app --query 'keys(tags)' --output text | grep -qx team"
ok "logs put-retention-policy" $aws logs put-retention-policy --log-group-name /matrix/app --retention-in-days 7
ok "logs create-log-stream" $aws logs create-log-stream --log-group-name /matrix/app --log-stream-name web-1
ok "logs describe-log-streams, empty stream" sh -c "$aws logs describe-log-streams --log-group-name /matrix/app --query 'logStreams[0].logStreamName' --output text | grep -qx web-1"
now=$(($(date +%s) * 1000))
ok "logs put-log-events" $aws logs put-log-events --log-group-name /matrix/app --log-stream-name web-1 \
	--log-events "timestamp=$now,message=GET /a 200" "timestamp=$((now + 1)),message=GET /b 500"
ok "logs filter-log-events, put events" sh -c "$aws logs filter-log-events --log-group-name /matrix/app --filter-pattern 500 --query 'length(events)' --output text | grep -qx 1"
err "logs put-log-events, unknown stream" ResourceNotFoundException $aws logs put-log-events --log-group-name /matrix/app --log-stream-name nope --log-events "timestamp=$now,message=m"
ok "logs test-metric-filter" sh -c "$aws logs test-metric-filter --filter-pattern ERROR --log-event-messages 'INFO ok' 'ERROR boom' --query 'matches[0].eventNumber' --output text | grep -qx 2"
ok "logs test-metric-filter, space-delimited" sh -c "$aws logs test-metric-filter --filter-pattern '[ip, user, status = 4*]' --log-event-messages '10.0.0.1 ann 404' --query 'matches[0].extractedValues.\"\$status\"' --output text | grep -qx 404"
ok "logs put-subscription-filter" $aws logs put-subscription-filter --log-group-name /matrix/app --filter-name errors --filter-pattern '{ $.level = "ERROR" }' --destination-arn arn:aws:lambda:us-east-1:000000000000:function:hello
ok "logs put-subscription-filter, second" $aws logs put-subscription-filter --log-group-name /matrix/app --filter-name all --filter-pattern '' --destination-arn arn:aws:lambda:us-east-1:000000000000:function:hello
ok "logs describe-subscription-filters" sh -c "$aws logs describe-subscription-filters --log-group-name /matrix/app --query 'length(subscriptionFilters)' --output text | grep -qx 2"
err "logs put-subscription-filter, a third" LimitExceededException $aws logs put-subscription-filter --log-group-name /matrix/app --filter-name third --filter-pattern '' --destination-arn arn:aws:lambda:us-east-1:000000000000:function:hello
err "logs put-subscription-filter, a loop" InvalidParameterException $aws logs put-subscription-filter --log-group-name /aws/lambda/hello --filter-name self --filter-pattern '' --destination-arn arn:aws:lambda:us-east-1:000000000000:function:hello
err "logs put-subscription-filter, malformed pattern" InvalidParameterException $aws logs put-subscription-filter --log-group-name /matrix/app --filter-name errors --filter-pattern '{ $.level = }' --destination-arn arn:aws:lambda:us-east-1:000000000000:function:hello
ok "logs delete-subscription-filter" $aws logs delete-subscription-filter --log-group-name /matrix/app --filter-name all
ok "logs delete-retention-policy" $aws logs delete-retention-policy --log-group-name /matrix/app
ok "logs delete-log-stream" $aws logs delete-log-stream --log-group-name /matrix/app --log-stream-name web-1
ok "logs delete-log-group" $aws logs delete-log-group --log-group-name /matrix/app
err "logs delete-log-group, gone" ResourceNotFoundException $aws logs delete-log-group --log-group-name /matrix/app
ok "events put-events" $aws events put-events --entries '[{"Source":"matrix","DetailType":"t","Detail":"{}"}]'
ok "events list-event-buses" $aws events list-event-buses
ok "events describe-event-bus" $aws events describe-event-bus --name default
ok "events list-rules" $aws events list-rules
ok "events describe-rule" $aws events describe-rule --name hello-schedule-1
ok "events list-targets-by-rule" $aws events list-targets-by-rule --rule hello-schedule-1
ok "events test-event-pattern" $aws events test-event-pattern --event-pattern '{"source":["matrix"]}' \
	--event '{"id":"1","account":"000000000000","source":"matrix","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail-type":"t","detail":{}}'
err "events describe-rule of none" ResourceNotFoundException $aws events describe-rule --name nope
ok "cloudfront list-distributions" $aws cloudfront list-distributions
ok "cloudfront get-distribution" $aws cloudfront get-distribution --id site
ok "cloudfront create-invalidation" $aws cloudfront create-invalidation --distribution-id site --paths '/*'
inv=$($aws cloudfront list-invalidations --distribution-id site --query 'InvalidationList.Items[0].Id' --output text 2>&1 || true)
ok "cloudfront get-invalidation" $aws cloudfront get-invalidation --distribution-id site --id "$inv"
ok "cloudfront list-invalidations" $aws cloudfront list-invalidations --distribution-id site
ok "cloudfront list-functions" $aws cloudfront list-functions
ok "cloudfront describe-function" $aws cloudfront describe-function --name securityHeaders
etag=$($aws cloudfront describe-function --name securityHeaders --query ETag --output text 2>&1 || true)
printf '%s' '{"version":"1.0","context":{"eventType":"viewer-response"},"viewer":{"ip":"1.2.3.4"},"request":{"method":"GET","uri":"/","headers":{},"querystring":{},"cookies":{}},"response":{"statusCode":200,"headers":{},"cookies":{}}}' >"$work/event.json"
ok "cloudfront test-function" $aws cloudfront test-function --name securityHeaders --if-match "$etag" --event-object "fileb://$work/event.json"
err "cloudfront get-distribution of none" NoSuchDistribution $aws cloudfront get-distribution --id ENOPE
err "lambda delete-function" InvalidParameterValueException $aws lambda delete-function --function-name hello
err "lambda list-layers" UnknownOperationException $aws lambda list-layers
q=http://$admin/000000000000/jobs
ok "sqs list-queues" $aws sqs list-queues
ok "sqs get-queue-url" $aws sqs get-queue-url --queue-name jobs
ok "sqs get-queue-attributes" $aws sqs get-queue-attributes --queue-url "$q" --attribute-names All
ok "sqs create-queue" $aws sqs create-queue --queue-name matrix --attributes VisibilityTimeout=5
ok "sqs send-message" $aws sqs send-message --queue-url "http://$admin/000000000000/matrix" --message-body hi \
	--message-attributes '{"k":{"DataType":"String","StringValue":"v"}}'
ok "sqs send-message-batch" $aws sqs send-message-batch --queue-url "http://$admin/000000000000/matrix" \
	--entries '[{"Id":"a","MessageBody":"1"},{"Id":"b","MessageBody":"2","DelaySeconds":1}]'
rh=$($aws sqs receive-message --queue-url "http://$admin/000000000000/matrix" --message-attribute-names All \
	--query 'Messages[0].ReceiptHandle' --output text 2>&1 || true)
ok "sqs change-message-visibility" $aws sqs change-message-visibility --queue-url "http://$admin/000000000000/matrix" --receipt-handle "$rh" --visibility-timeout 10
ok "sqs delete-message" $aws sqs delete-message --queue-url "http://$admin/000000000000/matrix" --receipt-handle "$rh"
ok "sqs tag-queue" $aws sqs tag-queue --queue-url "http://$admin/000000000000/matrix" --tags team=web
ok "sqs list-queue-tags" $aws sqs list-queue-tags --queue-url "http://$admin/000000000000/matrix"
ok "sqs list-dead-letter-source-queues" $aws sqs list-dead-letter-source-queues --queue-url "http://$admin/000000000000/jobsDlq"
ok "sqs list-message-move-tasks" $aws sqs list-message-move-tasks --source-arn arn:aws:sqs:us-east-1:000000000000:jobsDlq
ok "sqs purge-queue" $aws sqs purge-queue --queue-url "http://$admin/000000000000/matrix"
ok "sqs delete-queue" $aws sqs delete-queue --queue-url "http://$admin/000000000000/matrix"
err "sqs get-queue-url of none" AWS.SimpleQueueService.NonExistentQueue $aws sqs get-queue-url --queue-name nope
err "sqs delete-message, bad handle" ReceiptHandleIsInvalid $aws sqs delete-message --queue-url "$q" --receipt-handle nonsense
ok "sns list-topics" $aws sns list-topics
ok "sns get-topic-attributes" $aws sns get-topic-attributes --topic-arn arn:aws:sns:us-east-1:000000000000:news
ok "sns list-subscriptions-by-topic" $aws sns list-subscriptions-by-topic --topic-arn arn:aws:sns:us-east-1:000000000000:news
ok "sns create-topic" $aws sns create-topic --name matrix
ok "sns subscribe" $aws sns subscribe --topic-arn arn:aws:sns:us-east-1:000000000000:matrix --protocol sqs \
	--notification-endpoint arn:aws:sqs:us-east-1:000000000000:jobsDlq --attributes RawMessageDelivery=true
ok "sns publish" $aws sns publish --topic-arn arn:aws:sns:us-east-1:000000000000:news --message hi \
	--message-attributes '{"kind":{"DataType":"String","StringValue":"order.created"}}'
ok "sns publish-batch" $aws sns publish-batch --topic-arn arn:aws:sns:us-east-1:000000000000:matrix \
	--publish-batch-request-entries '[{"Id":"1","Message":"a"},{"Id":"2","Message":"b"}]'
ok "sns list-subscriptions" $aws sns list-subscriptions
ok "sns delete-topic" $aws sns delete-topic --topic-arn arn:aws:sns:us-east-1:000000000000:matrix
err "sns publish to none" NotFound $aws sns publish --topic-arn arn:aws:sns:us-east-1:000000000000:nope --message x
head -c 20000000 /dev/urandom >"$work/big.bin"
mkdir -p "$work/site" && echo one >"$work/site/a.txt" && echo two >"$work/site/b.txt"
ok "s3 ls" $aws s3 ls
ok "s3 cp (upload)" $aws s3 cp README.md s3://uploads/incoming/readme.md
ok "s3 cp (multipart upload)" $aws s3 cp "$work/big.bin" s3://uploads/big.bin
ok "s3 cp (download)" $aws s3 cp s3://uploads/big.bin "$work/big.out"
ok "s3 download is the upload" cmp "$work/big.bin" "$work/big.out"
ok "s3 sync" $aws s3 sync "$work/site" s3://uploads/site/
ok "s3 ls --recursive" $aws s3 ls s3://uploads --recursive
url=$($aws s3 presign s3://uploads/site/a.txt --expires-in 60 2>&1 || true)
ok "s3 presign + curl" curl -fs "$url"
ok "s3 mb" $aws s3 mb s3://matrix-bucket
ok "s3api put-object" $aws s3api put-object --bucket matrix-bucket --key 'a b/c.json' --body README.md --content-type application/json --metadata k=v
ok "s3api head-object" $aws s3api head-object --bucket matrix-bucket --key 'a b/c.json'
ok "s3api copy-object" $aws s3api copy-object --bucket matrix-bucket --key copy.json --copy-source 'matrix-bucket/a b/c.json'
ok "s3api put-object-tagging" $aws s3api put-object-tagging --bucket matrix-bucket --key copy.json --tagging 'TagSet=[{Key=team,Value=web}]'
ok "s3api get-object-tagging" $aws s3api get-object-tagging --bucket matrix-bucket --key copy.json
ok "s3api list-objects-v2" $aws s3api list-objects-v2 --bucket matrix-bucket --delimiter /
ok "s3api list-objects" $aws s3api list-objects --bucket matrix-bucket
ok "s3api get-bucket-location" $aws s3api get-bucket-location --bucket matrix-bucket
ok "s3api put-bucket-notification-configuration" $aws s3api put-bucket-notification-configuration --bucket matrix-bucket \
	--notification-configuration '{"QueueConfigurations":[{"QueueArn":"arn:aws:sqs:us-east-1:000000000000:jobsDlq","Events":["s3:ObjectRemoved:*"]}]}'
ok "s3api get-bucket-notification-configuration" $aws s3api get-bucket-notification-configuration --bucket matrix-bucket
ok "s3api delete-objects" $aws s3api delete-objects --bucket matrix-bucket --delete '{"Objects":[{"Key":"copy.json"},{"Key":"a b/c.json"}]}'
ok "s3 rb" $aws s3 rb s3://matrix-bucket
ok "s3 rm --recursive" $aws s3 rm s3://uploads/site --recursive
err "s3api get-object of none" NoSuchKey $aws s3api get-object --bucket uploads --key nope "$work/nope"
err "s3api head-bucket of none" 404 $aws s3api head-bucket --bucket nope
err "s3api get-bucket-versioning" NotImplemented $aws s3api get-bucket-versioning --bucket uploads
ok "kinesis list-streams" $aws kinesis list-streams
ok "kinesis describe-stream-summary" $aws kinesis describe-stream-summary --stream-name clicks
ok "kinesis create-stream" $aws kinesis create-stream --stream-name matrix --shard-count 2
ok "kinesis wait stream-exists" $aws kinesis wait stream-exists --stream-name matrix
ok "kinesis put-record" $aws kinesis put-record --stream-name matrix --partition-key k --data hello
ok "kinesis put-records" $aws kinesis put-records --stream-name matrix --records Data=a,PartitionKey=k1 Data=b,PartitionKey=k2
shard=$($aws kinesis list-shards --stream-name matrix --query 'Shards[0].ShardId' --output text 2>&1 || true)
ok "kinesis list-shards" $aws kinesis list-shards --stream-name matrix
it=$($aws kinesis get-shard-iterator --stream-name matrix --shard-id "$shard" --shard-iterator-type TRIM_HORIZON --query ShardIterator --output text 2>&1 || true)
ok "kinesis get-records" $aws kinesis get-records --shard-iterator "$it"
ok "kinesis describe-stream" $aws kinesis describe-stream --stream-name matrix
ok "kinesis update-shard-count" $aws kinesis update-shard-count --stream-name matrix --target-shard-count 4 --scaling-type UNIFORM_SCALING
# After it, shardId-000000000002 is [0, 2^126-1]: split at 2^125 into 6 and 7, merge them back.
ok "kinesis split-shard" $aws kinesis split-shard --stream-name matrix --shard-to-split shardId-000000000002 --new-starting-hash-key 42535295865117307932921825928971026432
ok "kinesis merge-shards" $aws kinesis merge-shards --stream-name matrix --shard-to-merge shardId-000000000006 --adjacent-shard-to-merge shardId-000000000007
ok "kinesis update-stream-mode" $aws kinesis update-stream-mode --stream-arn arn:aws:kinesis:us-east-1:000000000000:stream/matrix --stream-mode-details StreamMode=ON_DEMAND
ok "kinesis increase-stream-retention-period" $aws kinesis increase-stream-retention-period --stream-name matrix --retention-period-hours 48
ok "kinesis add-tags-to-stream" $aws kinesis add-tags-to-stream --stream-name matrix --tags team=web
ok "kinesis list-tags-for-stream" $aws kinesis list-tags-for-stream --stream-name matrix
ok "kinesis register-stream-consumer" $aws kinesis register-stream-consumer --stream-arn arn:aws:kinesis:us-east-1:000000000000:stream/matrix --consumer-name c1
ok "kinesis list-stream-consumers" $aws kinesis list-stream-consumers --stream-arn arn:aws:kinesis:us-east-1:000000000000:stream/matrix
ok "kinesis delete-stream" $aws kinesis delete-stream --stream-name matrix --enforce-consumer-deletion
err "kinesis describe-stream of none" ResourceNotFoundException $aws kinesis describe-stream --stream-name nope
err "kinesis get-records, bad iterator" InvalidArgumentException $aws kinesis get-records --shard-iterator nonsense
ok "dynamodb list-tables" $aws dynamodb list-tables
ok "dynamodb describe-table" $aws dynamodb describe-table --table-name visits
ok "dynamodb create-table" $aws dynamodb create-table --table-name matrix --billing-mode PAY_PER_REQUEST \
	--attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=N AttributeName=g,AttributeType=S \
	--key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
	--global-secondary-indexes 'IndexName=byG,KeySchema=[{AttributeName=g,KeyType=HASH}],Projection={ProjectionType=ALL}' \
	--stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES
ok "dynamodb wait table-exists" $aws dynamodb wait table-exists --table-name matrix
ok "dynamodb put-item" $aws dynamodb put-item --table-name matrix --item '{"pk":{"S":"a"},"sk":{"N":"1"},"g":{"S":"x"},"n":{"N":"1"}}'
ok "dynamodb get-item" $aws dynamodb get-item --table-name matrix --key '{"pk":{"S":"a"},"sk":{"N":"1"}}' --consistent-read
ok "dynamodb update-item" $aws dynamodb update-item --table-name matrix --key '{"pk":{"S":"a"},"sk":{"N":"1"}}' \
	--update-expression 'ADD n :one' --condition-expression 'attribute_exists(pk)' --expression-attribute-values '{":one":{"N":"1"}}' --return-values ALL_NEW
ok "dynamodb query" $aws dynamodb query --table-name matrix --key-condition-expression 'pk = :p' --expression-attribute-values '{":p":{"S":"a"}}'
ok "dynamodb query (index)" $aws dynamodb query --table-name matrix --index-name byG --key-condition-expression 'g = :g' --expression-attribute-values '{":g":{"S":"x"}}'
ok "dynamodb scan" $aws dynamodb scan --table-name matrix
ok "dynamodb batch-write-item" $aws dynamodb batch-write-item --request-items '{"matrix":[{"PutRequest":{"Item":{"pk":{"S":"b"},"sk":{"N":"1"}}}}]}'
ok "dynamodb batch-get-item" $aws dynamodb batch-get-item --request-items '{"matrix":{"Keys":[{"pk":{"S":"a"},"sk":{"N":"1"}},{"pk":{"S":"b"},"sk":{"N":"1"}}]}}'
ok "dynamodb transact-write-items" $aws dynamodb transact-write-items --transact-items \
	'[{"Put":{"TableName":"matrix","Item":{"pk":{"S":"c"},"sk":{"N":"1"}}}},{"Delete":{"TableName":"matrix","Key":{"pk":{"S":"b"},"sk":{"N":"1"}}}}]'
ok "dynamodb transact-get-items" $aws dynamodb transact-get-items --transact-items '[{"Get":{"TableName":"matrix","Key":{"pk":{"S":"c"},"sk":{"N":"1"}}}}]'
ok "dynamodb execute-statement" $aws dynamodb execute-statement --statement "SELECT * FROM \"matrix\" WHERE pk = 'a'"
ok "dynamodb update-time-to-live" $aws dynamodb update-time-to-live --table-name matrix --time-to-live-specification Enabled=true,AttributeName=expires
ok "dynamodb describe-time-to-live" $aws dynamodb describe-time-to-live --table-name matrix
ok "dynamodb tag-resource" $aws dynamodb tag-resource --resource-arn arn:aws:dynamodb:us-east-1:000000000000:table/matrix --tags Key=team,Value=web
ok "dynamodb list-tags-of-resource" $aws dynamodb list-tags-of-resource --resource-arn arn:aws:dynamodb:us-east-1:000000000000:table/matrix
ok "dynamodbstreams list-streams" $aws dynamodbstreams list-streams --table-name matrix
sarn=$($aws dynamodbstreams list-streams --table-name matrix --query 'Streams[0].StreamArn' --output text 2>&1 || true)
ok "dynamodbstreams describe-stream" $aws dynamodbstreams describe-stream --stream-arn "$sarn"
dshard=$($aws dynamodbstreams describe-stream --stream-arn "$sarn" --query 'StreamDescription.Shards[0].ShardId' --output text 2>&1 || true)
dit=$($aws dynamodbstreams get-shard-iterator --stream-arn "$sarn" --shard-id "$dshard" --shard-iterator-type TRIM_HORIZON --query ShardIterator --output text 2>&1 || true)
ok "dynamodbstreams get-records" sh -c "$aws dynamodbstreams get-records --shard-iterator '$dit' --query 'length(Records)' --output text | grep -qx 5"
err "dynamodb put-item, condition fails" ConditionalCheckFailedException $aws dynamodb put-item --table-name matrix \
	--item '{"pk":{"S":"a"},"sk":{"N":"1"}}' --condition-expression 'attribute_not_exists(pk)'
err "dynamodb get-item, key mismatch" ValidationException $aws dynamodb get-item --table-name matrix --key '{"pk":{"S":"a"}}'
err "dynamodb describe-table of none" ResourceNotFoundException $aws dynamodb describe-table --table-name nope
ok "dynamodb delete-table" $aws dynamodb delete-table --table-name matrix
err "wrong secret" InvalidSignatureException env AWS_SECRET_ACCESS_KEY=wrong $aws lambda list-functions
err "unknown key" UnrecognizedClientException env AWS_ACCESS_KEY_ID=ASIAUNKNOWN000000000 AWS_SESSION_TOKEN=x $aws lambda list-functions
exit $fail
