// A queue worker, exactly as it would run on AWS Lambda: it takes batches
// from the `jobs` queue and the `news` topic's matching messages.
//   aws sqs send-message --queue-url http://127.0.0.1:8081/000000000000/jobs --message-body 'hello'
//   aws sns publish --topic-arn arn:aws:sns:us-east-1:000000000000:news --message hi \
//     --message-attributes '{"kind":{"DataType":"String","StringValue":"order.created"}}'
//   verge logs worker
// A message whose body is "fail" is reported as a batch item failure: it
// returns to the queue, and after three receives goes to jobsDlq.
interface SQSRecord { messageId: string; body: string; eventSource: "aws:sqs" }
interface SNSRecord { EventSource: "aws:sns"; Sns: { Message: string; MessageAttributes: Record<string, { Value: string }> } }

export const handler = async (event: { Records: (SQSRecord | SNSRecord)[] }) => {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const r of event.Records) {
    if ("Sns" in r) {
      console.log(`news: ${r.Sns.Message} (kind ${r.Sns.MessageAttributes.kind?.Value})`);
      continue;
    }
    if (r.body === "fail") {
      console.error(`job ${r.messageId} failed`); // an ERROR line: onError gets it
      batchItemFailures.push({ itemIdentifier: r.messageId });
      continue;
    }
    console.log(`job ${r.messageId}: ${r.body}`);
  }
  return { batchItemFailures };
};
