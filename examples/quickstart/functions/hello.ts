// A Lambda handler, exactly as it would run on AWS Lambda.
//   verge invoke hello --payload '{"name":"Ada"}'
//   curl http://api.localhost:8080/hello/Ada      (through the HTTP API)
//   verge logs hello
interface HelloEvent {
  name?: string;
  pathParameters?: { name?: string }; // an HTTP API event (payload format 2.0)
}

let invocations = 0; // module scope: kept while the sandbox stays warm

export const handler = async (event: HelloEvent, context: { awsRequestId: string; functionName: string }) => {
  invocations++;
  console.log(`hello invoked (${invocations} in this sandbox)`);
  return {
    message: `Hello, ${event.name ?? event.pathParameters?.name ?? "world"}!`,
    greeting: process.env.GREETING,
    requestId: context.awsRequestId,
    warmInvocations: invocations,
  };
};
