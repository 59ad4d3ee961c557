// The prelude runs once in every VM, before the function's program. It
// takes the Go host function from the global object, builds the modules and
// the globals of the runtime, locks the sandbox down and evaluates to init.
// Go calls init(runtime) once; it returns the driver {install, run, poll}.
//
// Binary data crosses to Go as "byte strings": JavaScript strings whose
// characters are all <= 0xFF, one per byte.
(function () {
"use strict";

const G = globalThis;
const host = G.__vergeHost;
delete G.__vergeHost;

// Host operations; keep in step with host.go.
const LOG = 1, B64ENC = 2, B64DEC = 3, ATOB = 4, HEXENC = 5, HEXDEC = 6,
	UTF8ENC = 7, UTF8DEC = 8, HNEW = 9, HUPD = 10, HDIG = 11, KVGET = 12,
	KVMETA = 13, ORIGIN = 14, QSUNESC = 15;

// Intrinsics the driver relies on, taken before user code can replace them.
const jsonParse = JSON.parse, jsonStringify = JSON.stringify;
const construct = Reflect.construct, apply = Reflect.apply;
const defineProperty = Object.defineProperty, freeze = Object.freeze,
	create = Object.create, objectKeys = Object.keys,
	getPrototypeOf = Object.getPrototypeOf;
const hasOwn = Object.prototype.hasOwnProperty;
const fromCharCode = String.fromCharCode;
const isArray = Array.isArray, isView = ArrayBuffer.isView;
const RealDate = Date, RealPromise = Promise, U8 = Uint8Array, AB = ArrayBuffer;
const promiseThen = Promise.prototype.then;
const promiseResolve = Promise.resolve.bind(Promise);
const promiseReject = Promise.reject.bind(Promise);
const ErrorCtor = Error, TypeErrorCtor = TypeError, RangeErrorCtor = RangeError,
	EvalErrorCtor = EvalError, InternalErrorCtor = InternalError;
const encodeURIComponentFn = encodeURIComponent, decodeURIComponentFn = decodeURIComponent;
const mathMin = Math.min, mathMax = Math.max, mathAbs = Math.abs, mathFloor = Math.floor;
const isFiniteFn = isFinite;
const noArgs = Object.freeze([]);

// Per-run state, set by run.
let nowMs = 0, kvsOK = false, rawQS, edge = null, factory = null;
// touched is set when a run reads what may differ between two runs on the
// same response (see RunOptions.CheckPure): the clock, Math.random, or an
// event property other than version and response.
let touched = false;
let pState = 0, pValue, pError;

// fatal reports whether e is the engine running out of memory, which the
// prelude never swallows: QuickJS throws null when it cannot even allocate
// the InternalError.
function fatal(e) {
	return e === null || (e instanceof InternalErrorCtor && e.message === "out of memory");
}

function define(obj, name, value) {
	defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });
}

// ---- Date, frozen at the run's instant.

function FrozenDate(...args) {
	if (new.target === undefined) {
		touched = true;
		return new RealDate(nowMs).toString();
	}
	if (args.length === 0) {
		touched = true;
	}
	return construct(RealDate, args.length === 0 ? [nowMs] : args, new.target);
}
defineProperty(FrozenDate, "name", { value: "Date" });
defineProperty(FrozenDate, "length", { value: 7 });
defineProperty(FrozenDate, "prototype", { value: RealDate.prototype });
define(RealDate.prototype, "constructor", FrozenDate);
define(FrozenDate, "now", function now() { touched = true; return nowMs; });
define(FrozenDate, "parse", RealDate.parse);
define(FrozenDate, "UTC", RealDate.UTC);
define(G, "Date", FrozenDate);

// ---- Math.random, which a pure run (see touched) must not use.

const realRandom = Math.random;
define(Math, "random", function random() {
	touched = true;
	return apply(realRandom, Math, noArgs);
});

// ---- console

function fmtArg(v) {
	switch (typeof v) {
	case "string":
		return v;
	case "undefined":
		return "undefined";
	case "function":
		return "[Function" + (v.name ? ": " + v.name : "") + "]";
	case "object":
		if (v === null) {
			return "null";
		}
		if (!(v instanceof ErrorCtor)) {
			try {
				const s = jsonStringify(v);
				if (s !== undefined) {
					return s;
				}
			} catch (e) {
				if (fatal(e)) {
					throw e;
				}
			}
		}
		break;
	}
	try {
		return String(v);
	} catch (e) {
		if (fatal(e)) {
			throw e;
		}
		return "[object]";
	}
}

function log(...args) {
	let line = "";
	for (let i = 0; i < args.length; i++) {
		if (i > 0) {
			line += " ";
		}
		line += fmtArg(args[i]);
	}
	host(LOG, line);
}
define(G, "console", freeze({ log, info: log, warn: log, error: log, debug: log, trace: log }));
define(G, "global", G);

// ---- Bytes and encodings.

// byteView returns the bytes of a view or ArrayBuffer as a Uint8Array
// sharing their memory, or undefined for anything else.
function byteView(v) {
	if (v instanceof U8) {
		return v;
	}
	if (isView(v)) {
		return new U8(v.buffer, v.byteOffset, v.byteLength);
	}
	if (v instanceof AB) {
		return new U8(v);
	}
	return undefined;
}

// latin1FromBytes returns the byte string of a Uint8Array.
function latin1FromBytes(u8) {
	const n = u8.length;
	if (n <= 8192) {
		return apply(fromCharCode, null, u8);
	}
	let s = "";
	for (let i = 0; i < n; i += 8192) {
		s += apply(fromCharCode, null, new U8(u8.buffer, u8.byteOffset + i, mathMin(8192, n - i)));
	}
	return s;
}

// bytesFromLatin1 returns a new C (a Uint8Array class) holding the byte
// string s.
function bytesFromLatin1(s, C) {
	const n = s.length;
	const b = new C(n);
	for (let i = 0; i < n; i++) {
		b[i] = s.charCodeAt(i);
	}
	return b;
}

const nonLatin1 = /[^\x00-\xff]/;

function maskString(s, mask) {
	let r = "";
	for (let i = 0; i < s.length; i++) {
		r += fromCharCode(s.charCodeAt(i) & mask);
	}
	return r;
}

// normEnc returns the canonical name of a Buffer encoding, dflt for
// undefined or null, and "" for an unknown one.
function normEnc(enc, dflt) {
	if (enc === undefined || enc === null) {
		return dflt;
	}
	switch (String(enc).toLowerCase()) {
	case "utf8": case "utf-8":
		return "utf8";
	case "hex":
		return "hex";
	case "base64":
		return "base64";
	case "base64url":
		return "base64url";
	case "latin1": case "binary":
		return "latin1";
	case "ascii":
		return "ascii";
	case "ucs2": case "ucs-2": case "utf16le": case "utf-16le":
		return "utf16le";
	}
	return "";
}

function mustEnc(enc, dflt) {
	const e = normEnc(enc, dflt);
	if (e === "") {
		throw new TypeErrorCtor("Unknown encoding: " + String(enc));
	}
	return e;
}

// encodeString returns the bytes of s in encoding enc, as a byte string.
function encodeString(s, enc) {
	switch (enc) {
	case "utf8":
		return host(UTF8ENC, s);
	case "hex":
		return host(HEXDEC, s);
	case "base64": case "base64url":
		return host(B64DEC, s);
	case "latin1": case "ascii":
		return nonLatin1.test(s) ? maskString(s, 0xff) : s;
	case "utf16le": {
		let r = "";
		for (let i = 0; i < s.length; i++) {
			const c = s.charCodeAt(i);
			r += fromCharCode(c & 0xff, c >>> 8);
		}
		return r;
	}
	}
	throw new TypeErrorCtor("Unknown encoding: " + enc);
}

// decodeBytes returns the string that the byte string b encodes in enc.
function decodeBytes(b, enc) {
	switch (enc) {
	case "utf8":
		return host(UTF8DEC, b, false);
	case "hex":
		return host(HEXENC, b);
	case "base64":
		return host(B64ENC, b, false);
	case "base64url":
		return host(B64ENC, b, true);
	case "latin1":
		return b;
	case "ascii":
		return maskString(b, 0x7f);
	case "utf16le": {
		let r = "";
		for (let i = 0; i + 1 < b.length; i += 2) {
			r += fromCharCode(b.charCodeAt(i) | (b.charCodeAt(i + 1) << 8));
		}
		return r;
	}
	}
	throw new TypeErrorCtor("Unknown encoding: " + enc);
}

// ---- Byte strings of runtime 1.0 (njs's String.bytesFrom and friends).
// QuickJS has no byte-string type, so the byte strings the runtime makes
// are remembered for the run: crypto then hashes them as bytes, not as
// UTF-8, as njs does.

const byteStrs = new Map();

function markBytes(s) {
	if (byteStrs.size < 4096) {
		byteStrs.set(s, true);
	}
	return s;
}

function isByteStr(s) {
	return byteStrs.has(s);
}

function sliceArgs(s, start, end) {
	return s.slice(start === undefined ? 0 : start, end === undefined ? s.length : end);
}

function installByteStrings() {
	define(String, "bytesFrom", function bytesFrom(v, enc) {
		if (typeof v === "string") {
			const e = normEnc(enc, "");
			if (e !== "hex" && e !== "base64" && e !== "base64url") {
				throw new TypeErrorCtor("Unknown encoding: " + String(enc));
			}
			return markBytes(encodeString(v, e));
		}
		if (v === null || typeof v !== "object") {
			throw new TypeErrorCtor("value must be a string or array");
		}
		let s = "";
		for (let i = 0; i < v.length; i++) {
			s += fromCharCode(v[i] & 0xff);
		}
		return markBytes(s);
	});
	define(String, "fromBytes", function fromBytes(...a) {
		return apply(String.prototype.fromBytes, "", a);
	});
	define(String.prototype, "fromBytes", function fromBytes(start, end) {
		const s = sliceArgs(String(this), start, end);
		return nonLatin1.test(s) ? null : s;
	});
	define(String.prototype, "fromUTF8", function fromUTF8(start, end) {
		const s = sliceArgs(String(this), start, end);
		return nonLatin1.test(s) ? null : host(UTF8DEC, s, true);
	});
	define(String.prototype, "toBytes", function toBytes(start, end) {
		const s = sliceArgs(String(this), start, end);
		return nonLatin1.test(s) ? null : markBytes(s);
	});
	define(String.prototype, "toUTF8", function toUTF8(start, end) {
		return markBytes(host(UTF8ENC, sliceArgs(String(this), start, end)));
	});
}

// ---- crypto

// hashInput returns [data, encoding] for host HUPD.
function hashInput(data, enc, rt1) {
	if (typeof data === "string") {
		if (enc === undefined || enc === null) {
			return [data, rt1 && isByteStr(data) ? "latin1" : "utf8"];
		}
		return [data, mustEnc(enc, "utf8")];
	}
	const u8 = byteView(data);
	if (u8 === undefined) {
		throw new TypeErrorCtor("The \"data\" argument must be of type string or an instance of Buffer, TypedArray, or DataView");
	}
	return [latin1FromBytes(u8), "latin1"];
}

function makeCrypto(rt1, binOut) {
	function makeHash(id) {
		const h = {
			update(data, enc) {
				const a = hashInput(data, enc, rt1);
				host(HUPD, id, a[0], a[1]);
				return h;
			},
			digest(enc) {
				if (enc === undefined || enc === null) {
					return binOut(host(HDIG, id, ""));
				}
				const e = normEnc(enc, "");
				if (e !== "hex" && e !== "base64" && e !== "base64url" && e !== "latin1") {
					throw new TypeErrorCtor("Unknown digest encoding: " + String(enc));
				}
				return host(HDIG, id, e);
			},
		};
		return h;
	}
	function createHash(alg) {
		const id = host(HNEW, String(alg), null, "");
		if (id === null) {
			throw new ErrorCtor("Digest method not supported");
		}
		return makeHash(id);
	}
	function createHmac(alg, key) {
		let k, e;
		if (typeof key === "string") {
			k = key;
			e = rt1 && isByteStr(key) ? "latin1" : "utf8";
		} else {
			const u8 = byteView(key);
			if (u8 === undefined) {
				throw new TypeErrorCtor("The \"key\" argument must be of type string or an instance of Buffer, TypedArray, or DataView");
			}
			k = latin1FromBytes(u8);
			e = "latin1";
		}
		const id = host(HNEW, String(alg), k, e);
		if (id === null) {
			throw new ErrorCtor("Invalid digest: " + String(alg));
		}
		return makeHash(id);
	}
	return freeze({ createHash, createHmac });
}

// ---- querystring (Node semantics)

function qsUnescape(s) {
	try {
		return decodeURIComponentFn(s);
	} catch (e) {
		if (fatal(e)) {
			throw e;
		}
		return host(QSUNESC, String(s));
	}
}

function qsEscape(s) {
	if (typeof s !== "string") {
		s = typeof s === "object" ? String(s) : s + "";
	}
	return encodeURIComponentFn(s);
}

function qsDecode(s, decode, custom) {
	if (s.indexOf("+") >= 0) {
		s = s.replace(/\+/g, " ");
	}
	if (!custom && s.indexOf("%") < 0) {
		return s;
	}
	try {
		return decode(s);
	} catch (e) {
		if (fatal(e)) {
			throw e;
		}
		return qsUnescape(s);
	}
}

function qsParse(str, sep, eq, options) {
	const obj = create(null);
	if (typeof str !== "string" || str.length === 0) {
		return obj;
	}
	sep = sep ? String(sep) : "&";
	eq = eq ? String(eq) : "=";
	let max = 1000;
	let decode = qsUnescape, custom = false;
	if (options !== null && typeof options === "object") {
		if (typeof options.maxKeys === "number") {
			max = options.maxKeys > 0 ? options.maxKeys : Infinity;
		}
		if (typeof options.decodeURIComponent === "function") {
			decode = options.decodeURIComponent;
			custom = true;
		}
	}
	const parts = str.split(sep);
	for (let i = 0; i < parts.length && i < max; i++) {
		const part = parts[i];
		if (part.length === 0) {
			continue;
		}
		const at = part.indexOf(eq);
		let k = part, v = "";
		if (at >= 0) {
			k = part.slice(0, at);
			v = part.slice(at + eq.length);
		}
		k = qsDecode(k, decode, custom);
		v = qsDecode(v, decode, custom);
		const cur = obj[k];
		if (cur === undefined) {
			obj[k] = v;
		} else if (isArray(cur)) {
			cur.push(v);
		} else {
			obj[k] = [cur, v];
		}
	}
	return obj;
}

function qsValue(v, encode) {
	switch (typeof v) {
	case "string":
		return v.length === 0 ? "" : encode(v);
	case "number":
		if (!isFiniteFn(v)) {
			return "";
		}
		return mathAbs(v) < 1e21 ? "" + v : encode("" + v);
	case "bigint":
		return "" + v;
	case "boolean":
		return v ? "true" : "false";
	}
	return "";
}

function qsStringify(obj, sep, eq, options) {
	sep = sep ? String(sep) : "&";
	eq = eq ? String(eq) : "=";
	let encode = qsEscape;
	if (options !== null && typeof options === "object" && typeof options.encodeURIComponent === "function") {
		encode = options.encodeURIComponent;
	}
	if (obj === null || typeof obj !== "object") {
		return "";
	}
	const keys = objectKeys(obj);
	let fields = "";
	for (let i = 0; i < keys.length; i++) {
		const k = keys[i];
		const v = obj[k];
		const ks = qsValue(k, encode) + eq;
		if (isArray(v)) {
			if (v.length === 0) {
				continue;
			}
			if (fields) {
				fields += sep;
			}
			for (let j = 0; j < v.length; j++) {
				if (j) {
					fields += sep;
				}
				fields += ks + qsValue(v[j], encode);
			}
		} else {
			if (fields) {
				fields += sep;
			}
			fields += ks + qsValue(v, encode);
		}
	}
	return fields;
}

const querystring = freeze({
	parse: qsParse, decode: qsParse, stringify: qsStringify, encode: qsStringify,
	escape: qsEscape, unescape: qsUnescape,
});

// ---- Buffer (runtime 2.0): a Node-like subset over Uint8Array.

function checkSize(n) {
	if (typeof n !== "number" || !(n >= 0) || n > 0x7fffffff) {
		throw new RangeErrorCtor("The \"size\" argument must be a number between 0 and 2147483647");
	}
	return n | 0;
}

function compareBytes(a, b) {
	const n = mathMin(a.length, b.length);
	for (let i = 0; i < n; i++) {
		if (a[i] !== b[i]) {
			return a[i] < b[i] ? -1 : 1;
		}
	}
	return a.length === b.length ? 0 : (a.length < b.length ? -1 : 1);
}

function clampIndex(v, dflt, len) {
	if (v === undefined) {
		return dflt;
	}
	v = +v;
	if (v !== v) {
		return 0;
	}
	v = v < 0 ? mathMax(len + mathFloor(v), 0) : mathFloor(v);
	return mathMin(v, len);
}

function checkOffset(buf, off, size) {
	if (off === undefined) {
		off = 0;
	}
	if (typeof off !== "number" || off !== mathFloor(off) || off < 0 || off + size > buf.length) {
		throw new RangeErrorCtor("The value of \"offset\" is out of range.");
	}
	return off;
}

class Buffer extends U8 {
	static from(value, encOrOffset, length) {
		if (typeof value === "string") {
			return bytesFromLatin1(encodeString(value, mustEnc(encOrOffset, "utf8")), Buffer);
		}
		if (value instanceof AB) {
			const off = encOrOffset === undefined ? 0 : +encOrOffset;
			const n = length === undefined ? value.byteLength - off : +length;
			return new Buffer(value, off, n);
		}
		if (isView(value)) {
			if (value instanceof U8 || !(value.BYTES_PER_ELEMENT > 0)) {
				const u8 = byteView(value);
				const b = new Buffer(u8.length);
				b.set(u8);
				return b;
			}
			const b = new Buffer(value.length);
			for (let i = 0; i < value.length; i++) {
				b[i] = Number(value[i]) & 0xff;
			}
			return b;
		}
		if (value !== null && typeof value === "object") {
			const src = value.type === "Buffer" && isArray(value.data) ? value.data : value;
			if (typeof src.length === "number") {
				const n = checkSize(src.length);
				const b = new Buffer(n);
				for (let i = 0; i < n; i++) {
					b[i] = src[i] & 0xff;
				}
				return b;
			}
		}
		throw new TypeErrorCtor("The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object.");
	}

	static alloc(size, fill, enc) {
		const b = new Buffer(checkSize(size));
		if (fill !== undefined && fill !== 0) {
			b.fill(fill, 0, b.length, enc);
		}
		return b;
	}

	static allocUnsafe(size) {
		return new Buffer(checkSize(size));
	}

	static allocUnsafeSlow(size) {
		return new Buffer(checkSize(size));
	}

	static byteLength(v, enc) {
		if (typeof v === "string") {
			return encodeString(v, mustEnc(enc, "utf8")).length;
		}
		if (isView(v) || v instanceof AB) {
			return v.byteLength;
		}
		throw new TypeErrorCtor("The \"string\" argument must be of type string or an instance of Buffer or ArrayBuffer.");
	}

	static concat(list, total) {
		if (!isArray(list)) {
			throw new TypeErrorCtor("The \"list\" argument must be an instance of Array.");
		}
		if (total === undefined) {
			total = 0;
			for (let i = 0; i < list.length; i++) {
				total += list[i].length;
			}
		}
		const b = new Buffer(checkSize(total));
		let off = 0;
		for (let i = 0; i < list.length && off < b.length; i++) {
			const x = list[i];
			if (!(x instanceof U8)) {
				throw new TypeErrorCtor("The \"list[" + i + "]\" argument must be an instance of Buffer or Uint8Array.");
			}
			const n = mathMin(x.length, b.length - off);
			b.set(n === x.length ? x : new U8(x.buffer, x.byteOffset, n), off);
			off += n;
		}
		return b;
	}

	static isBuffer(b) {
		return b instanceof Buffer;
	}

	static isEncoding(e) {
		return typeof e === "string" && normEnc(e, "") !== "";
	}

	static compare(a, b) {
		if (!(a instanceof U8) || !(b instanceof U8)) {
			throw new TypeErrorCtor("The arguments must be Buffers or Uint8Arrays.");
		}
		return compareBytes(a, b);
	}

	toString(enc, start, end) {
		const e = mustEnc(enc, "utf8");
		// As Node: a negative offset counts as 0, not from the end.
		const s = clampIndex(mathMax(0, +start || 0), 0, this.length);
		const t = end === undefined ? this.length : clampIndex(mathMax(0, +end || 0), this.length, this.length);
		if (t <= s) {
			return "";
		}
		return decodeBytes(latin1FromBytes(new U8(this.buffer, this.byteOffset + s, t - s)), e);
	}

	toJSON() {
		const data = [];
		for (let i = 0; i < this.length; i++) {
			data.push(this[i]);
		}
		return { type: "Buffer", data };
	}

	equals(other) {
		if (!(other instanceof U8)) {
			throw new TypeErrorCtor("The \"otherBuffer\" argument must be an instance of Buffer or Uint8Array.");
		}
		return compareBytes(this, other) === 0;
	}

	compare(other) {
		return Buffer.compare(this, other);
	}

	slice(start, end) {
		return this.subarray(start, end);
	}

	fill(value, offset, end, enc) {
		if (typeof offset === "string") {
			enc = offset;
			offset = undefined;
			end = undefined;
		} else if (typeof end === "string") {
			enc = end;
			end = undefined;
		}
		const s = clampIndex(offset, 0, this.length);
		const t = clampIndex(end, this.length, this.length);
		if (typeof value === "string") {
			const b = encodeString(value, mustEnc(enc, "utf8"));
			if (b.length === 0) {
				return super.fill(0, s, t);
			}
			for (let i = s, j = 0; i < t; i++, j = (j + 1) % b.length) {
				this[i] = b.charCodeAt(j);
			}
			return this;
		}
		const u8 = byteView(value);
		if (u8 !== undefined) {
			for (let i = s, j = 0; i < t && u8.length > 0; i++, j = (j + 1) % u8.length) {
				this[i] = u8[j];
			}
			return this;
		}
		return super.fill(+value & 0xff, s, t);
	}

	write(str, offset, length, enc) {
		if (typeof offset === "string") {
			enc = offset;
			offset = 0;
			length = undefined;
		} else if (typeof length === "string") {
			enc = length;
			length = undefined;
		}
		const off = offset === undefined ? 0 : checkOffset(this, offset, 0);
		let n = this.length - off;
		if (length !== undefined && +length < n) {
			n = mathMax(0, +length);
		}
		const b = encodeString(String(str), mustEnc(enc, "utf8"));
		n = mathMin(n, b.length);
		for (let i = 0; i < n; i++) {
			this[off + i] = b.charCodeAt(i);
		}
		return n;
	}

	copy(target, targetStart, sourceStart, sourceEnd) {
		const ts = targetStart === undefined ? 0 : clampIndex(targetStart, 0, target.length);
		const ss = clampIndex(sourceStart, 0, this.length);
		const se = clampIndex(sourceEnd, this.length, this.length);
		const n = mathMax(0, mathMin(se - ss, target.length - ts));
		target.set(new U8(this.buffer, this.byteOffset + ss, n), ts);
		return n;
	}

	indexOf(value, byteOffset, enc) {
		let needle;
		if (typeof value === "number") {
			return super.indexOf(value & 0xff, byteOffset);
		}
		if (typeof value === "string") {
			needle = encodeString(value, mustEnc(enc, "utf8"));
		} else if (value instanceof U8) {
			needle = latin1FromBytes(value);
		} else {
			throw new TypeErrorCtor("The \"value\" argument must be one of type number or string or an instance of Buffer or Uint8Array.");
		}
		return latin1FromBytes(this).indexOf(needle, clampIndex(byteOffset, 0, this.length));
	}

	includes(value, byteOffset, enc) {
		return this.indexOf(value, byteOffset, enc) !== -1;
	}

	readUInt8(o) { o = checkOffset(this, o, 1); return this[o]; }
	readInt8(o) { o = checkOffset(this, o, 1); return (this[o] << 24) >> 24; }
	readUInt16BE(o) { o = checkOffset(this, o, 2); return (this[o] << 8) | this[o + 1]; }
	readUInt16LE(o) { o = checkOffset(this, o, 2); return this[o] | (this[o + 1] << 8); }
	readInt16BE(o) { return (this.readUInt16BE(o) << 16) >> 16; }
	readInt16LE(o) { return (this.readUInt16LE(o) << 16) >> 16; }
	readUInt32BE(o) { o = checkOffset(this, o, 4); return ((this[o] << 24) | (this[o + 1] << 16) | (this[o + 2] << 8) | this[o + 3]) >>> 0; }
	readUInt32LE(o) { o = checkOffset(this, o, 4); return (this[o] | (this[o + 1] << 8) | (this[o + 2] << 16) | (this[o + 3] << 24)) >>> 0; }
	readInt32BE(o) { return this.readUInt32BE(o) | 0; }
	readInt32LE(o) { return this.readUInt32LE(o) | 0; }
	writeUInt8(v, o) { o = checkOffset(this, o, 1); this[o] = v; return o + 1; }
	writeInt8(v, o) { return this.writeUInt8(v & 0xff, o); }
	writeUInt16BE(v, o) { o = checkOffset(this, o, 2); this[o] = v >>> 8; this[o + 1] = v; return o + 2; }
	writeUInt16LE(v, o) { o = checkOffset(this, o, 2); this[o] = v; this[o + 1] = v >>> 8; return o + 2; }
	writeInt16BE(v, o) { return this.writeUInt16BE(v & 0xffff, o); }
	writeInt16LE(v, o) { return this.writeUInt16LE(v & 0xffff, o); }
	writeUInt32BE(v, o) { o = checkOffset(this, o, 4); this[o] = v >>> 24; this[o + 1] = v >>> 16; this[o + 2] = v >>> 8; this[o + 3] = v; return o + 4; }
	writeUInt32LE(v, o) { o = checkOffset(this, o, 4); this[o] = v; this[o + 1] = v >>> 8; this[o + 2] = v >>> 16; this[o + 3] = v >>> 24; return o + 4; }
	writeInt32BE(v, o) { return this.writeUInt32BE(v >>> 0, o); }
	writeInt32LE(v, o) { return this.writeUInt32LE(v >>> 0, o); }
}
for (const name of ["readUInt8", "readUInt16BE", "readUInt16LE", "readUInt32BE", "readUInt32LE",
	"writeUInt8", "writeUInt16BE", "writeUInt16LE", "writeUInt32BE", "writeUInt32LE"]) {
	define(Buffer.prototype, name.replace("UInt", "Uint"), Buffer.prototype[name]);
}

// ---- TextEncoder, TextDecoder, atob, btoa (runtime 2.0)

class TextEncoder {
	get encoding() {
		return "utf-8";
	}

	encode(s) {
		return bytesFromLatin1(host(UTF8ENC, s === undefined ? "" : String(s)), U8);
	}

	encodeInto(s, dest) {
		const b = host(UTF8ENC, String(s));
		let n = mathMin(b.length, dest.length);
		// Do not split a character.
		if (n < b.length) {
			while (n > 0 && (b.charCodeAt(n) & 0xc0) === 0x80) {
				n--;
			}
		}
		for (let i = 0; i < n; i++) {
			dest[i] = b.charCodeAt(i);
		}
		return { read: host(UTF8DEC, b.slice(0, n), false).length, written: n };
	}
}

class TextDecoder {
	#fatal;
	#ignoreBOM;

	constructor(label, options) {
		const l = label === undefined ? "utf-8" : String(label).trim().toLowerCase();
		if (l !== "utf-8" && l !== "utf8" && l !== "unicode-1-1-utf-8") {
			throw new RangeErrorCtor("The \"" + l + "\" encoding is not supported");
		}
		this.#fatal = !!(options && options.fatal);
		this.#ignoreBOM = !!(options && options.ignoreBOM);
	}

	get encoding() {
		return "utf-8";
	}

	get fatal() {
		return this.#fatal;
	}

	get ignoreBOM() {
		return this.#ignoreBOM;
	}

	decode(input) {
		if (input === undefined) {
			return "";
		}
		const u8 = byteView(input);
		if (u8 === undefined) {
			throw new TypeErrorCtor("The \"input\" argument must be an instance of ArrayBuffer or ArrayBufferView");
		}
		let b = latin1FromBytes(u8);
		if (!this.#ignoreBOM && b.startsWith("\xef\xbb\xbf")) {
			b = b.slice(3);
		}
		const s = host(UTF8DEC, b, this.#fatal);
		if (s === null) {
			throw new TypeErrorCtor("The encoded data was not valid for encoding utf-8");
		}
		return s;
	}
}

function invalidCharacter(msg) {
	const e = new ErrorCtor(msg);
	e.name = "InvalidCharacterError";
	return e;
}

function btoa(s) {
	if (arguments.length === 0) {
		throw new TypeErrorCtor("btoa requires 1 argument");
	}
	s = String(s);
	if (nonLatin1.test(s)) {
		throw invalidCharacter("Invalid character");
	}
	return host(B64ENC, s, false);
}

function atob(s) {
	if (arguments.length === 0) {
		throw new TypeErrorCtor("atob requires 1 argument");
	}
	const r = host(ATOB, String(s));
	if (r === null) {
		throw invalidCharacter("The string to be decoded is not correctly encoded.");
	}
	return r;
}

// ---- cloudfront (runtime 2.0)

const keyNotString = "KeyValueStore key must be a non-empty string of at most 512 bytes";

function kvsValue(b, format) {
	switch (format === undefined ? "string" : format) {
	case "string":
		return host(UTF8DEC, b, false);
	case "json":
		return jsonParse(host(UTF8DEC, b, false));
	case "bytes":
		return bytesFromLatin1(b, Buffer);
	}
	throw new TypeErrorCtor("KeyValueStore format must be 'string', 'json' or 'bytes'");
}

function kvsLookup(key) {
	if (typeof key !== "string" || key.length === 0 || key.length > 512) {
		throw new TypeErrorCtor(keyNotString);
	}
	return host(KVGET, key);
}

const kvsHandle = freeze({
	get(key, options) {
		try {
			const b = kvsLookup(key);
			if (b === null) {
				throw new ErrorCtor("Key \"" + key + "\" not found in KeyValueStore");
			}
			return promiseResolve(kvsValue(b, options === undefined || options === null ? undefined : options.format));
		} catch (e) {
			return promiseReject(e);
		}
	},
	exists(key) {
		try {
			return promiseResolve(kvsLookup(key) !== null);
		} catch (e) {
			return promiseReject(e);
		}
	},
	meta() {
		const m = host(KVMETA);
		if (m === null) {
			return promiseReject(new ErrorCtor("KeyValueStore metadata is not available"));
		}
		return promiseResolve(jsonParse(m));
	},
});

function originArg(name, v) {
	if (v === null || typeof v !== "object") {
		throw new TypeErrorCtor(name + ": the argument must be an object");
	}
	return jsonStringify(v);
}

const defaultEdge = freeze({ name: "LOCAL", serverIp: "127.0.0.1", region: "local" });

const cloudfront = {
	kvs(id) {
		if (!kvsOK) {
			throw new ErrorCtor("No KeyValueStore is associated with this function");
		}
		return kvsHandle;
	},
	updateRequestOrigin(params) {
		host(ORIGIN, 1, originArg("updateRequestOrigin", params), "");
	},
	selectRequestOriginById(id, overrides) {
		if (typeof id !== "string" || id.length === 0) {
			throw new TypeErrorCtor("selectRequestOriginById: the origin id must be a non-empty string");
		}
		host(ORIGIN, 2, jsonStringify(id), overrides === undefined ? "" : originArg("selectRequestOriginById", overrides));
	},
	createRequestOriginGroup(params) {
		host(ORIGIN, 3, originArg("createRequestOriginGroup", params), "");
	},
};
defineProperty(cloudfront, "edgeLocation", {
	get() {
		return edge === null ? defaultEdge : edge;
	},
	enumerable: true,
});
freeze(cloudfront);

// ---- Sandbox lockdown: no code from strings, no timers, no weak refs.

function lockdown() {
	const blocked = function Function() {
		throw new EvalErrorCtor("code generation from strings is not allowed");
	};
	defineProperty(blocked, "prototype", { value: Function.prototype, writable: false });
	const protos = [
		Function.prototype,
		getPrototypeOf(async function () {}),
		getPrototypeOf(function* () {}),
		getPrototypeOf(async function* () {}),
	];
	for (let i = 0; i < protos.length; i++) {
		defineProperty(protos[i], "constructor", { value: blocked, writable: false, configurable: false, enumerable: false });
	}
	define(G, "Function", blocked);
	const names = ["eval", "WeakRef", "FinalizationRegistry", "SharedArrayBuffer", "Atomics",
		"setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval",
		"clearImmediate", "queueMicrotask", "print", "scriptArgs", "std", "os"];
	for (let i = 0; i < names.length; i++) {
		delete G[names[i]];
	}
}

// ---- The driver.

// out returns the reply for a handler's result: the JSON itself (which
// never starts with an uppercase letter, so it needs no tag and no copy),
// or "U" when it has no JSON (undefined, a function), or "J" and why it
// cannot be made JSON.
function out(v) {
	let s;
	try {
		s = jsonStringify(v);
	} catch (e) {
		if (fatal(e)) {
			throw e;
		}
		return "J" + String(e && e.message);
	}
	return s === undefined ? "U" : s;
}

// requestProto gives event.request its rawQueryString method without an
// own property, which JSON.stringify and Object.keys would see (and a
// defineProperty per run costs four times as much).
const ObjectProto = Object.prototype, setPrototypeOf = Object.setPrototypeOf;
const requestProto = create(ObjectProto);
define(requestProto, "rawQueryString", function rawQueryString() {
	return rawQS;
});

// watch makes the property name of obj an accessor that sets touched
// when it is read or written, in place (same position, enumerable).
function watch(obj, name) {
	if (!apply(hasOwn, obj, [name])) {
		return;
	}
	let val = obj[name];
	defineProperty(obj, name, {
		get() { touched = true; return val; },
		set(v) { touched = true; val = v; },
		enumerable: true, configurable: true,
	});
}

const watched = freeze(["context", "viewer", "request"]);

function settle(ok, v) {
	pState = ok ? 1 : 2;
	if (ok) {
		pValue = v;
	} else {
		pError = v;
	}
}

return function init(rt) {
	const rt1 = rt === "cloudfront-js-1.0";
	const crypto = makeCrypto(rt1, rt1 ? markBytes : (b) => bytesFromLatin1(b, Buffer));
	const mods = create(null);
	mods.crypto = crypto;
	mods.querystring = querystring;
	if (rt1) {
		installByteStrings();
	} else {
		mods.cloudfront = cloudfront;
		mods.buffer = freeze({ Buffer });
		define(G, "Buffer", Buffer);
		define(G, "TextEncoder", TextEncoder);
		define(G, "TextDecoder", TextDecoder);
		define(G, "atob", atob);
		define(G, "btoa", btoa);
	}
	function require(name) {
		if (typeof name === "string" && apply(hasOwn, mods, [name])) {
			return mods[name];
		}
		throw new ErrorCtor("Cannot find module '" + String(name) + "'");
	}
	defineProperty(G, "require", { value: require, writable: false, configurable: false, enumerable: false });
	lockdown();

	return {
		install(f) {
			factory = f;
		},
		// run runs the handler on the event JSON ev. It returns the JSON,
		// "U", "J"+why (see out), "P" when the handler returned a promise
		// (call poll once the jobs ran), "M" when there is no handler, or
		// "E"+why when ev is not JSON.
		//
		// With check set, a result made without touching anything that
		// may differ on the same response (see touched) is tagged "~".
		run(ev, now, kvs, raw, edgeJSON, check) {
			nowMs = now;
			kvsOK = kvs;
			rawQS = raw;
			edge = edgeJSON === undefined ? null : freeze(jsonParse(edgeJSON));
			pState = 0;
			pValue = pError = undefined;
			if (byteStrs.size > 0) {
				byteStrs.clear();
			}
			let event;
			try {
				event = jsonParse(ev);
			} catch (e) {
				if (fatal(e)) {
					throw e;
				}
				return "E" + String(e && e.message);
			}
			if (event !== null && typeof event === "object") {
				const req = event.request;
				if (req !== null && typeof req === "object" && getPrototypeOf(req) === ObjectProto) {
					setPrototypeOf(req, requestProto);
				}
			}
			touched = false;
			if (check && event !== null && typeof event === "object") {
				for (let i = 0; i < watched.length; i++) {
					watch(event, watched[i]);
				}
			}
			const handler = apply(factory, G, noArgs);
			if (typeof handler !== "function") {
				return "M";
			}
			const r = handler(event);
			if (r !== null && (typeof r === "object" || typeof r === "function") && typeof r.then === "function") {
				apply(promiseThen, promiseResolve(r), [(v) => settle(true, v), (e) => settle(false, e)]);
				return "P";
			}
			const s = out(r);
			if (check && !touched && s !== "U" && s[0] !== "J") {
				return "~" + s;
			}
			return s;
		},
		// poll returns "P" while the handler's promise is pending, throws
		// its rejection, or returns what out returns for its value.
		poll() {
			if (pState === 0) {
				return "P";
			}
			const ok = pState === 1, v = pValue, e = pError;
			pState = 0;
			pValue = pError = undefined;
			if (!ok) {
				throw e;
			}
			return out(v);
		},
	};
};
})()
