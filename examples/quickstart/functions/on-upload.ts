// A bucket event handler, exactly as it would run on AWS Lambda: each object
// created under incoming/ in the `uploads` bucket is read back through S3 and
// summarised under summaries/.
//   aws s3 cp README.md s3://uploads/incoming/readme.md
//   aws s3 cp s3://uploads/summaries/incoming/readme.md.json -
import { S3Client, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";

interface S3Record {
  eventName: string;
  s3: { bucket: { name: string }; object: { key: string; size: number; eTag: string } };
}

const s3 = new S3Client({});

export const handler = async (event: { Records: S3Record[] }) => {
  for (const r of event.Records) {
    // Keys arrive URL-encoded, spaces as "+", as S3 sends them.
    const key = decodeURIComponent(r.s3.object.key.replace(/\+/g, " "));
    const obj = await s3.send(new GetObjectCommand({ Bucket: r.s3.bucket.name, Key: key }));
    const text = (await obj.Body?.transformToString()) ?? "";
    const summary = { key, event: r.eventName, bytes: r.s3.object.size, lines: text.split("\n").length, eTag: r.s3.object.eTag };
    await s3.send(new PutObjectCommand({
      Bucket: r.s3.bucket.name,
      Key: `summaries/${key}.json`,
      Body: JSON.stringify(summary),
      ContentType: "application/json",
    }));
    console.log(`${r.eventName} ${key}: ${summary.bytes} bytes, ${summary.lines} lines`);
  }
};
