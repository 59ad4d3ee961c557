// Verge's Node.js bootstrap: speaks the Lambda Runtime API (2018-06-01) to
// AWS_LAMBDA_RUNTIME_API and runs _HANDLER from LAMBDA_TASK_ROOT the way
// AWS's Node.js runtime does. CommonJS (.cjs: whatever package.json is
// above it) because an ES module entry costs node ~7 ms more to start;
// built-in modules only.
'use strict';
const net = require('node:net');
const fs = require('node:fs');
const path = require('node:path');
const { format } = require('node:util');
const { pathToFileURL } = require('node:url');

const env = process.env;
// AWS_LAMBDA_RUNTIME_API is host:port, then Verge's secret path prefix
// ("127.0.0.1:PORT/TOKEN"), which every path must start with.
const api = env.AWS_LAMBDA_RUNTIME_API || '127.0.0.1:9001';
const slash = api.indexOf('/');
const [host, port] = (slash < 0 ? api : api.slice(0, slash)).split(/:(?=\d+$)/);
const base = (slash < 0 ? '' : api.slice(slash)) + '/2018-06-01/runtime';
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

// --- Runtime API client: a minimal HTTP/1.1 client on raw sockets. node's
// http.request costs about twice the CPU per call, and a warm invocation
// makes two calls. Like http.Agent, a connection is ref'd only while a call
// is pending on it: a waiting /next keeps node alive, an idle connection
// does not (the empty event loop answers callback and plain handlers).
const hostHeader = `Host: ${host}:${port}\r\n`;
const idle = []; // connections with no call pending, most recent last

// call makes one request and resolves with { status, headers (lowercase
// keys), body: Buffer }. A reused connection that closes before answering
// (the server dropped it while idle) is retried once on a new one.
function call(method, p, body, headers = {}) {
  let head = `${method} ${base}${p} HTTP/1.1\r\n${hostHeader}`;
  for (const k of Object.keys(headers)) head += `${k}: ${headerValue(headers[k])}\r\n`;
  if (body != null) head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
  head += '\r\n';
  return send(head, body, true);
}

// headerValue percent-encodes control characters, which would end the header.
const headerValue = (v) => String(v).replace(/[\x00-\x08\x0a-\x1f\x7f]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));

function send(head, body, retry) {
  return new Promise((resolve, reject) => {
    let conn = idle.pop();
    while (conn && conn.closed) conn = idle.pop();
    const reused = conn !== undefined;
    if (!reused) conn = new Conn();
    conn.start(head, body, resolve, (err, answering) => {
      if (reused && retry && !answering) resolve(send(head, body, false));
      else reject(err);
    });
  });
}

// Conn is one keep-alive connection and the parser of its responses.
class Conn {
  constructor() {
    this.sock = net.connect({ host, port });
    this.sock.setNoDelay(true);
    this.closed = false;
    this.reset(null, null);
    this.sock.on('data', (d) => this.data(d));
    this.sock.on('error', (e) => this.close(e));
    this.sock.on('close', () => this.close(null));
  }

  reset(resolve, reject) {
    this.resolve = resolve;
    this.reject = reject;
    this.answering = false; // a byte of the response arrived
    this.head = null; // the response head so far
    this.res = null; // { status, headers, body } once the head is parsed
    this.parts = []; // body pieces
    this.got = 0; // body bytes so far
    this.length = -1; // Content-Length; -1: chunked or until close
    this.chunk = null; // chunked decoding state
    this.keep = true; // the server keeps the connection open
  }

  start(head, body, resolve, reject) {
    this.reset(resolve, reject);
    this.sock.ref();
    if (body == null) this.sock.write(head);
    else if (typeof body === 'string') this.sock.write(head + body);
    else {
      this.sock.cork();
      this.sock.write(head);
      this.sock.write(body);
      this.sock.uncork();
    }
  }

  data(d) {
    if (!this.resolve) { // nothing asked: the server is confused
      this.sock.destroy();
      return;
    }
    this.answering = true;
    if (!this.res) {
      d = this.head ? Buffer.concat([this.head, d]) : d;
      const end = d.indexOf('\r\n\r\n');
      if (end < 0) {
        this.head = d;
        return;
      }
      this.head = null;
      if (!this.parseHead(d.latin1Slice(0, end))) return;
      d = d.subarray(end + 4);
      if (this.length === 0) return this.done();
    }
    if (this.chunk) return this.chunked(d, 0);
    this.add(d);
    if (this.length >= 0 && this.got >= this.length) this.done();
  }

  // parseHead reads the status line and headers; false on a malformed head.
  parseHead(text) {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.(\d) (\d{3})/.exec(lines[0]);
    if (!m) {
      this.fail(new Error(`bootstrap: malformed Runtime API response: ${JSON.stringify(lines[0])}`));
      return false;
    }
    const headers = { __proto__: null };
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon <= 0) continue;
      const k = lines[i].slice(0, colon).trim().toLowerCase();
      const v = lines[i].slice(colon + 1).trim();
      headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
    }
    const status = Number(m[2]);
    this.res = { status, headers, body: null };
    const conn = (headers.connection || '').toLowerCase();
    this.keep = m[1] === '1' ? !conn.includes('close') : conn.includes('keep-alive');
    if (status === 204 || status === 304 || (status >= 100 && status < 200)) this.length = 0;
    else if (/chunked/i.test(headers['transfer-encoding'] || '')) this.chunk = { left: 0, line: '', state: 'size' };
    else if (/^\d+$/.test(headers['content-length'])) this.length = Number(headers['content-length']);
    else this.keep = false; // the body runs until the server closes
    return true;
  }

  add(d) {
    if (d.length === 0) return;
    this.parts.push(d);
    this.got += d.length;
  }

  // chunked decodes d from i: size lines, data, the CRLF after each chunk,
  // and the trailers after the last.
  chunked(d, i) {
    const c = this.chunk;
    while (i < d.length) {
      if (c.state === 'data') {
        const n = Math.min(c.left, d.length - i);
        this.add(d.subarray(i, i + n));
        c.left -= n;
        i += n;
        if (c.left === 0) c.state = 'crlf';
        continue;
      }
      const nl = d.indexOf(10, i);
      if (nl < 0) {
        c.line += d.latin1Slice(i);
        return;
      }
      const line = (c.line + d.latin1Slice(i, nl)).replace(/\r$/, '');
      c.line = '';
      i = nl + 1;
      if (c.state === 'crlf') c.state = 'size';
      else if (c.state === 'size') {
        c.left = parseInt(line, 16);
        if (Number.isNaN(c.left)) return this.fail(new Error(`bootstrap: malformed chunk size ${JSON.stringify(line)}`));
        c.state = c.left === 0 ? 'trailer' : 'data';
      } else if (line === '') return this.done(); // end of the trailers
    }
  }

  done() {
    const { resolve, res, keep } = this;
    res.body = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.got);
    if (this.length >= 0 && this.got > this.length) res.body = res.body.subarray(0, this.length);
    this.reset(null, null);
    this.sock.unref();
    if (keep) idle.push(this);
    else this.sock.destroy();
    resolve(res);
  }

  fail(err) {
    const { reject, answering } = this;
    this.reset(null, null);
    this.closed = true;
    this.sock.destroy();
    if (reject) reject(err, answering);
  }

  // close ends the connection: a body that ran until the close is done, a
  // pending call otherwise fails.
  close(err) {
    if (this.res && this.length < 0 && !this.chunk && !err) {
      this.closed = true;
      return this.done();
    }
    if (!this.closed || this.reject) this.fail(err || new Error('bootstrap: the Runtime API closed the connection'));
  }
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
  const url = pathToFileURL(file).href;
  try {
    return await import(url);
  } catch (e) {
    if (!e || e.code !== 'ERR_MODULE_NOT_FOUND' || !searchNodePath()) throw e;
    // A new URL: the failed graph stays cached under the first.
    return import(url + '?node-path');
  }
}

// searchNodePath makes import search NODE_PATH's node_modules folders (the
// AWS SDK Verge provides is the last), as Lambda's Node.js 18+ runtimes do:
// Node's ES module resolution ignores NODE_PATH. A resolve hook retries a
// bare specifier that was not found as if imported from beside each folder.
// Its loader thread costs a cold start about 80 ms, so it is registered
// only once an import has failed. It reports whether it registered.
function searchNodePath() {
  const { register } = require('node:module');
  const parents = (env.NODE_PATH || '').split(':').filter((d) => path.basename(d) === 'node_modules')
    .map((d) => pathToFileURL(path.join(path.dirname(d), 'noop.js')).href);
  if (!parents.length || typeof register !== 'function') return false;
  register('data:text/javascript,' + encodeURIComponent(nodePathHook), { data: parents });
  return true;
}

// nodePathHook is the resolve hook searchNodePath registers (it runs in
// Node's loader thread, given the parent URLs to retry from).
const nodePathHook = `let parents = [];
export function initialize(data) { parents = data; }
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (!e || e.code !== 'ERR_MODULE_NOT_FOUND' || /^(\\.|\\/|[a-z][a-z0-9+.-]*:)/i.test(specifier)) throw e;
    for (const parentURL of parents) {
      try { return await next(specifier, { ...context, parentURL }); } catch {}
    }
    throw e;
  }
}`;

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
