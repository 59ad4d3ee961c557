// A CloudWatch Logs subscriber, exactly as it would run on AWS Lambda: the
// worker's log lines that match the filter ERROR arrive batched, gzipped
// and base64-encoded.
//   aws sqs send-message --queue-url http://127.0.0.1:8081/000000000000/jobs --message-body fail
//   verge logs onError
import { gunzipSync } from "zlib";

interface LogsEvent { awslogs: { data: string } }
interface LogsData {
  messageType: "DATA_MESSAGE" | "CONTROL_MESSAGE";
  logGroup: string;
  logStream: string;
  logEvents: { id: string; timestamp: number; message: string }[];
}

export const handler = async (event: LogsEvent) => {
  const data: LogsData = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, "base64")).toString());
  if (data.messageType !== "DATA_MESSAGE") return; // the check sent when the subscription is made
  for (const e of data.logEvents) {
    console.log(`alert from ${data.logGroup}: ${e.message.split("\t").pop()}`);
  }
};
