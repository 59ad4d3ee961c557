// Verge's Node.js bootstrap: speaks the Lambda Runtime API (2018-06-01) to
// AWS_LAMBDA_RUNTIME_API and runs _HANDLER from LAMBDA_TASK_ROOT the way
// AWS's Node.js runtime does. CommonJS (.cjs: whatever package.json is
// above it) because an ES module entry costs node ~7 ms more to start;
// built-in modules only.
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { format } = require('node:util');
const { pathToFileURL } = require('node:url');

const env = process.env;
const [host, port] = (env.AWS_LAMBDA_RUNTIME_API || '127.0.0.1:9001').split(/:(?=\d+$)/);
const base = '/2018-06-01/runtime';
const agent = new http.Agent({ keepAlive: true });
let requestId; // printed as "undefined" during init, as AWS does

// --- logging: "<ISO time>\t<request id>\t<LEVEL>\t<message>", newlines as \r (one record)
const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE', fatal: 'FATAL' };
const rank = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 };
const minRank = rank[(env.AWS_LAMBDA_LOG_LEVEL || 'TRACE').toUpperCase()] ?? 0;
for (const [method, level] of Object.entries(levels)) {
  console[method] = rank[level] < minRank ? () => {} : (...args) => {
    const line = `${new Date().toISOString()}\t${requestId}\t${level}\t${format(...args)}`;
    process.stdout.write(line.replace(/\n/g, '\r') + '\n');
  };
}

// --- Runtime API client
function call(method, p, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path: base + p, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function errorBody(err) {
  try {
    if (err instanceof Error || (err && typeof err === 'object' && 'name' in err && 'message' in err)) {
      const clean = (s) => (s == null ? s : String(s).replace(/\x7F/g, '%7F'));
      return { errorType: clean(err.name), errorMessage: clean(err.message), trace: clean(err.stack || '').split('\n') };
    }
    return { errorType: typeof err, errorMessage: String(err), trace: [] };
  } catch {
    return { errorType: 'handled', errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack' };
  }
}

function postError(p, err) {
  const body = errorBody(err);
  console.error(p === '/init/error' ? 'Init Error' : 'Invoke Error', '\t' + JSON.stringify(body));
  const json = JSON.stringify(body);
  return call('POST', p, json, {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Function-Error-Type': String(body.errorType),
  });
}

// fail reports err as the current invocation's error (or the init error) and exits.
let failing = false;
async function fail(err) {
  if (failing) return;
  failing = true;
  try {
    await postError(requestId ? `/invocation/${requestId}/error` : '/init/error', err);
  } finally {
    process.exit(129);
  }
}

class RuntimeError extends Error {
  constructor(type, message) { super(message); this.name = 'Runtime.' + type; }
}

// --- loading the handler
async function loadHandler() {
  const full = env._HANDLER || '';
  const root = env.LAMBDA_TASK_ROOT || process.cwd();
  if (full.includes('..')) throw new RuntimeError('MalformedHandlerName', "'..' is not allowed in handler name");
  const base = path.basename(full);
  const dir = full.slice(0, full.length - base.length);
  const m = /^([^.]*)\.(.*)$/.exec(base);
  if (!m) throw new RuntimeError('MalformedHandlerName', 'Bad handler');
  const [, mod, fnPath] = m;
  const file = ['.js', '.mjs', '.cjs'].map((ext) => path.resolve(root, dir, mod + ext)).find((f) => fs.existsSync(f));
  if (!file) {
    throw new RuntimeError('ImportModuleError', `Error: Cannot find module '${dir}${mod}'\nRequire stack:\n- ${__filename}`);
  }
  let ns;
  try {
    ns = await load(file);
  } catch (e) {
    if (e instanceof SyntaxError) throw Object.assign(new RuntimeError('UserCodeSyntaxError', String(e)), { stack: e.stack });
    if (e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) throw new RuntimeError('ImportModuleError', String(e));
    throw e;
  }
  const walk = (obj) => fnPath.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
  let fn = walk(ns);
  if (fn === undefined && ns.default && typeof ns.default === 'object') fn = walk(ns.default); // CJS module.exports
  if (fn === undefined && fnPath === 'handler' && ns.default !== undefined) {
    fn = typeof ns.default === 'function' ? ns.default : ns.default.handler;
  }
  if (fn === undefined) throw new RuntimeError('HandlerNotFound', `${full} is undefined or not exported`);
  if (typeof fn !== 'function') throw new RuntimeError('HandlerNotFound', `${full} is not a function`);
  return fn;
}

// load requires a CommonJS handler (cheaper than import) and imports an ES
// module one: .mjs, or a .js that require refuses as ESM.
async function load(file) {
  if (!file.endsWith('.mjs')) {
    try {
      return require(file);
    } catch (e) {
      if (!e || e.code !== 'ERR_REQUIRE_ESM') throw e;
    }
  }
  return import(pathToFileURL(file).href);
}

// --- one invocation
function contextFor(h, id) {
  const deadline = Number(h['lambda-runtime-deadline-ms']) || 0;
  const parse = (v) => { try { return v ? JSON.parse(v) : undefined; } catch { return undefined; } };
  const cognito = parse(h['lambda-runtime-cognito-identity']);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: id,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: cognito && { cognitoIdentityId: cognito.cognitoIdentityId, cognitoIdentityPoolId: cognito.cognitoIdentityPoolId },
    clientContext: parse(h['lambda-runtime-client-context']),
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

// run calls fn and settles with [err, value] once: from its promise, the
// legacy context.succeed/fail/done, or its callback (sent when the event
// loop empties, unless callbackWaitsForEmptyEventLoop is false). A handler
// that returns neither a promise nor calls back answers null when the
// event loop empties, as on AWS.
function run(fn, event, ctx) {
  return new Promise((settle) => {
    let done = false;
    let pending = null; // the callback's answer, waiting for an empty event loop
    const onEmpty = () => finish(...(pending ?? [null, undefined]));
    const finish = (err, value) => {
      if (done) return;
      done = true;
      process.removeListener('beforeExit', onEmpty);
      settle([err, value]);
    };
    const callback = (err, value) => {
      if (done || pending) return;
      if (ctx.callbackWaitsForEmptyEventLoop) pending = [err ?? null, value];
      else finish(err ?? null, value);
    };
    ctx.succeed = (v) => finish(null, v);
    ctx.fail = (e) => finish(e ?? 'handled', undefined);
    ctx.done = (e, v) => (e ? ctx.fail(e) : ctx.succeed(v));
    process.on('beforeExit', onEmpty);
    let result;
    try {
      result = fn(event, ctx, callback);
    } catch (e) {
      return finish(e);
    }
    if (result && typeof result.then === 'function') result.then((v) => finish(null, v), (e) => finish(e ?? 'handled'));
  });
}

async function invoke(fn, res) {
  const h = res.headers;
  const id = h['lambda-runtime-aws-request-id'];
  requestId = id;
  if (h['lambda-runtime-trace-id']) env._X_AMZN_TRACE_ID = h['lambda-runtime-trace-id'];
  else delete env._X_AMZN_TRACE_ID;
  let err, value;
  try {
    const event = res.body.length ? JSON.parse(res.body) : undefined;
    [err, value] = await run(fn, event, contextFor(h, id));
  } catch (e) {
    err = e;
  }
  if (err != null) return postError(`/invocation/${id}/error`, err);
  let json;
  try {
    json = JSON.stringify(value === undefined ? null : value);
  } catch {
    return postError(`/invocation/${id}/error`, new Error('Unable to stringify response body'));
  }
  return call('POST', `/invocation/${id}/response`, json, { 'Content-Type': 'application/json' });
}

process.on('uncaughtException', (e) => { fail(e); });
process.on('unhandledRejection', (reason) => {
  const e = new RuntimeError('UnhandledPromiseRejection', reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
  if (reason instanceof Error) e.stack = `${e.name}: ${e.message}\n${String(reason.stack).split('\n').slice(1).join('\n')}`;
  fail(e);
});

(async () => {
  let fn;
  try {
    fn = await loadHandler();
  } catch (e) {
    await fail(e);
  }
  for (;;) {
    const res = await call('GET', '/invocation/next');
    if (res.status !== 200) {
      process.stderr.write(`bootstrap: GET /next answered ${res.status}: ${res.body}\n`);
      process.exit(1);
    }
    await invoke(fn, res);
    requestId = undefined;
  }
})();
