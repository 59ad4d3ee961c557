package jsfn

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"testing"
)

type exprTest struct {
	name string
	body string
	want string // JSON output, or "!Kind: message prefix"
}

func runExprTests(t *testing.T, rt Runtime, tests []exprTest) {
	t.Helper()
	for _, c := range tests {
		checkOutcome(t, c.name, expr(t, rt, c.body), c.want)
	}
}

func jsonStr(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func hmacSum(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

func TestCrypto(t *testing.T) {
	abc := []byte("abc")
	sha256abc := sha256.Sum256(abc)
	md5abc := md5.Sum(abc)
	sha1abc := sha1.Sum(abc)
	utf := sha256.Sum256([]byte("é😀"))
	bin := sha256.Sum256([]byte{0, 0xff, 0x10})
	jefe := hmacSum([]byte("Jefe"), []byte("what do ya want for nothing?"))
	binKey := hmacSum([]byte{1, 2, 0xfe}, []byte("msg"))
	hexIn := sha256.Sum256([]byte{0xde, 0xad})
	common := []exprTest{
		{"sha256 hex", `return require('crypto').createHash('sha256').update('abc').digest('hex');`, jsonStr(hex.EncodeToString(sha256abc[:]))},
		{"sha256 known vector", `return require('crypto').createHash('sha256').update('abc').digest('hex');`, `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`},
		{"md5 hex", `return require('crypto').createHash('md5').update('abc').digest('hex');`, jsonStr(hex.EncodeToString(md5abc[:]))},
		{"sha1 base64", `return require('crypto').createHash('sha1').update('abc').digest('base64');`, jsonStr(base64.StdEncoding.EncodeToString(sha1abc[:]))},
		{"sha256 base64url", `return require('crypto').createHash('sha256').update('abc').digest('base64url');`, jsonStr(base64.RawURLEncoding.EncodeToString(sha256abc[:]))},
		{"upper-case alg", `return require('crypto').createHash('SHA256').update('abc').digest('hex');`, jsonStr(hex.EncodeToString(sha256abc[:]))},
		{"chunks", `return require('crypto').createHash('sha256').update('a').update('').update('bc').digest('hex');`, jsonStr(hex.EncodeToString(sha256abc[:]))},
		{"utf-8 input", `return require('crypto').createHash('sha256').update('é😀').digest('hex');`, jsonStr(hex.EncodeToString(utf[:]))},
		{"hex input encoding", `return require('crypto').createHash('sha256').update('dead', 'hex').digest('hex');`, jsonStr(hex.EncodeToString(hexIn[:]))},
		{"hmac rfc4231 case 2", `return require('crypto').createHmac('sha256', 'Jefe').update('what do ya want for nothing?').digest('hex');`, `"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"`},
		{"hmac base64url", `return require('crypto').createHmac('sha256', 'Jefe').update('what do ya want for nothing?').digest('base64url');`, jsonStr(base64.RawURLEncoding.EncodeToString(jefe))},
		{"base64 input encoding", `return require('crypto').createHash('sha256').update('YWJj', 'base64').digest('hex');`, jsonStr(hex.EncodeToString(sha256abc[:]))},
		{"latin1 input encoding", `return require('crypto').createHash('sha256').update('\u0000\u00ff\u0010', 'latin1').digest('hex');`, jsonStr(hex.EncodeToString(bin[:]))},
		{"latin1 digest", `return require('crypto').createHash('sha256').update('abc').digest('binary').length;`, `32`},
		{"unknown input encoding", `return require('crypto').createHash('sha256').update('abc', 'utf7');`, "!Throw: TypeError: Unknown encoding: utf7"},
		{"unknown alg", `return require('crypto').createHash('sha512');`, "!Throw: Error: Digest method not supported"},
		{"unknown hmac alg", `return require('crypto').createHmac('whirlpool', 'k');`, "!Throw: Error: Invalid digest: whirlpool"},
		{"digest twice", `var h = require('crypto').createHash('md5'); h.digest('hex'); return h.digest('hex');`, "!Throw: TypeError: Digest already called"},
		{"bad encoding", `return require('crypto').createHash('md5').digest('utf16');`, "!Throw: TypeError: Unknown digest encoding"},
		{"bad data", `return require('crypto').createHash('md5').update({});`, "!Throw: TypeError"},
	}
	t.Run("1.0", func(t *testing.T) {
		runExprTests(t, Runtime10, append(common,
			exprTest{"raw digest is a byte string", `var d = require('crypto').createHash('sha256').update('abc').digest(); return [typeof d, d.length, d.charCodeAt(0)];`, `["string",32,186]`},
			exprTest{"byte-string key (SigV4 chain)", `var c = require('crypto');
				var k = c.createHmac('sha256', 'AWS4secret').update('20230101').digest();
				return c.createHmac('sha256', k).update('us-east-1').digest('hex');`,
				jsonStr(hex.EncodeToString(hmacSum(hmacSum([]byte("AWS4secret"), []byte("20230101")), []byte("us-east-1"))))},
			exprTest{"byte string data", `return require('crypto').createHash('sha256').update(String.bytesFrom([0, 255, 16])).digest('hex');`, jsonStr(hex.EncodeToString(bin[:]))},
		))
	})
	t.Run("2.0", func(t *testing.T) {
		runExprTests(t, Runtime20, append(common,
			exprTest{"raw digest is a Buffer", `var d = require('crypto').createHash('sha256').update('abc').digest(); return [Buffer.isBuffer(d), d.length, d.toString('hex')];`,
				`[true,32,` + jsonStr(hex.EncodeToString(sha256abc[:])) + `]`},
			exprTest{"Buffer data", `return require('crypto').createHash('sha256').update(Buffer.from([0, 255, 16])).digest('hex');`, jsonStr(hex.EncodeToString(bin[:]))},
			exprTest{"Uint8Array data", `return require('crypto').createHash('sha256').update(new Uint8Array([0, 255, 16])).digest('hex');`, jsonStr(hex.EncodeToString(bin[:]))},
			exprTest{"Buffer key", `return require('crypto').createHmac('sha256', Buffer.from([1, 2, 254])).update('msg').digest('hex');`, jsonStr(hex.EncodeToString(binKey))},
			exprTest{"import", `return crypto.createHash('md5').update('abc').digest('hex');`, "!Throw: ReferenceError"},
		))
	})
}

func TestCryptoImport(t *testing.T) {
	res, err := run(t, `import crypto from 'crypto';
import { createHmac as hm } from 'crypto';
function handler() { return [crypto.createHash('md5').update('').digest('hex'), hm('sha1', 'k').update('').digest('hex').length]; }`, Runtime20, `{}`, RunOptions{})
	checkOutcome(t, "import", outcome(res, err), `["d41d8cd98f00b204e9800998ecf8427e",40]`)
}

var querystringTests = []exprTest{
	{"repeated keys", `return qs.parse('a=1&b=2&a=3');`, `{"a":["1","3"],"b":"2"}`},
	{"plus and percent", `return qs.parse('a+b=c+d%20e');`, `{"a b":"c d e"}`},
	{"no value", `return qs.parse('a&b=');`, `{"a":"","b":""}`},
	{"empty parts", `return qs.parse('=x&&y&');`, `{"":"x","y":""}`},
	{"eq in value", `return qs.parse('a=b=c');`, `{"a":"b=c"}`},
	{"utf-8", `return qs.parse('a=%E4%B8%AD');`, `{"a":"中"}`},
	{"malformed escapes", `return qs.parse('a=%ZZ&b=%E4&c=100%');`, `{"a":"%ZZ","b":"` + "\uFFFD" + `","c":"100%"}`},
	{"custom separators", `return qs.parse('a:1;b:2', ';', ':');`, `{"a":"1","b":"2"}`},
	{"multi-char separator", `return qs.parse('a=1&&b=2', '&&');`, `{"a":"1","b":"2"}`},
	{"maxKeys", `return qs.parse('a=1&b=2&c=3', null, null, {maxKeys: 2});`, `{"a":"1","b":"2"}`},
	{"maxKeys 0 is unlimited", `return Object.keys(qs.parse('a=1&b=2&c=3', null, null, {maxKeys: 0})).length;`, `3`},
	{"default maxKeys 1000", `var s = []; for (var i = 0; i < 1200; i++) s.push('k' + i + '=1'); return Object.keys(qs.parse(s.join('&'))).length;`, `1000`},
	{"custom decode", `return qs.parse('a=x', null, null, {decodeURIComponent: function (s) { return s.toUpperCase(); }});`, `{"A":"X"}`},
	{"null prototype", `var o = qs.parse('__proto__=1&toString=2'); return [Object.getPrototypeOf(o) === null, o.__proto__, o.toString];`, `[true,"1","2"]`},
	{"not a string", `return qs.parse(5);`, `{}`},
	{"decode alias", `return qs.decode === qs.parse && qs.encode === qs.stringify;`, `true`},
	{"stringify", `return qs.stringify({a: [1, 2], b: 'x y', c: true, d: null, e: {}, f: NaN, g: -0.5});`, `"a=1&a=2&b=x%20y&c=true&d=&e=&f=&g=-0.5"`},
	{"stringify empty array skipped", `return qs.stringify({a: [], b: 1});`, `"b=1"`},
	{"stringify escapes keys", `return qs.stringify({'a b': 'ü', 'c&d': "!'()*~"});`, `"a%20b=%C3%BC&c%26d=!'()*~"`},
	{"stringify separators", `return qs.stringify({a: 1, b: 2}, ';', ':');`, `"a:1;b:2"`},
	{"stringify big number", `return qs.stringify({a: 1e21, b: 10n});`, `"a=1e%2B21&b=10"`},
	{"stringify non-object", `return [qs.stringify('x'), qs.stringify(null)];`, `["",""]`},
	{"stringify custom encode", `return qs.stringify({a: 'b c'}, null, null, {encodeURIComponent: function (s) { return s.replace(' ', '+'); }});`, `"a=b+c"`},
	{"escape", `return [qs.escape('a b&c/ü'), qs.escape(12), qs.escape("!'()*~-_.")];`, `["a%20b%26c%2F%C3%BC","12","!'()*~-_."]`},
	{"escape lone surrogate", `return qs.escape('\ud800');`, "!Throw: URIError"},
	{"unescape", `return [qs.unescape('%41%20b'), qs.unescape('%41%zz'), qs.unescape('a+b')];`, `["A b","A%zz","a+b"]`},
	{"round trip", `var o = {x: 'ü &=?', y: ['1', '2']}; return qs.parse(qs.stringify(o));`, `{"x":"ü &=?","y":["1","2"]}`},
}

func TestQuerystring(t *testing.T) {
	tests := make([]exprTest, len(querystringTests))
	for i, c := range querystringTests {
		c.body = "var qs = require('querystring');\n" + c.body
		tests[i] = c
	}
	t.Run("1.0", func(t *testing.T) { runExprTests(t, Runtime10, tests) })
	t.Run("2.0", func(t *testing.T) { runExprTests(t, Runtime20, tests) })
}

var bufferTests = []exprTest{
	{"utf8 to hex", `return Buffer.from('héllo').toString('hex');`, `"68c3a96c6c6f"`},
	{"default utf8", `return Buffer.from('héllo').toString();`, `"héllo"`},
	{"base64", `return Buffer.from('aGk=', 'base64').toString();`, `"hi"`},
	{"base64 lenient", `return [Buffer.from('aG k', 'base64').toString(), Buffer.from('aGk=junk', 'base64').toString()];`, `["hi","hi"]`},
	{"base64url", `return [Buffer.from('aGk', 'base64url').toString(), Buffer.from([0xfb, 0xff]).toString('base64url'), Buffer.from([0xfb, 0xff]).toString('base64')];`, `["hi","-_8","+/8="]`},
	{"hex stops at bad pair", `return Buffer.from('6869zz41', 'hex').toString();`, `"hi"`},
	{"latin1 and ascii", `var b = Buffer.from('\u00e9\u0100', 'latin1'); return [b.length, b[0], b[1], Buffer.from([0xe9, 0x41]).toString('latin1'), Buffer.from([0xe9, 0x41]).toString('ascii')];`, `[2,233,0,"éA","iA"]`},
	{"utf16le", `var b = Buffer.from('a😀', 'utf16le'); return [b.length, b.toString('utf16le')];`, `[6,"a😀"]`},
	{"from array", `return Buffer.from([104, 105, 256 + 33]).toString();`, `"hi!"`},
	{"from array-like and toJSON", `var b = Buffer.from({length: 2, 0: 1, 1: 2}); return [b.toJSON(), JSON.stringify(Buffer.from(b.toJSON()))];`, `[{"type":"Buffer","data":[1,2]},"{\"type\":\"Buffer\",\"data\":[1,2]}"]`},
	{"from ArrayBuffer shares", `var ab = new ArrayBuffer(4); var b = Buffer.from(ab, 1, 2); b[0] = 7; return [b.length, new Uint8Array(ab)[1]];`, `[2,7]`},
	{"from Buffer copies", `var a = Buffer.from('x'); var b = Buffer.from(a); b[0] = 65; return a.toString() + b.toString();`, `"xA"`},
	{"from typed array by element", `return Array.from(Buffer.from(new Uint16Array([1, 258])));`, `[1,2]`},
	{"bad first argument", `return Buffer.from(5);`, "!Throw: TypeError: The first argument must be"},
	{"unknown encoding", `return Buffer.from('x', 'utf-7');`, "!Throw: TypeError: Unknown encoding: utf-7"},
	{"byteLength", `return [Buffer.byteLength('héllo'), Buffer.byteLength('aGk=', 'base64'), Buffer.byteLength(new Uint16Array(3)), Buffer.byteLength('abcd', 'hex')];`, `[6,2,6,2]`},
	{"concat", `return [Buffer.concat([Buffer.from('a'), Buffer.from('bc')]).toString(), Buffer.concat([Buffer.from('a'), new Uint8Array([98, 99])], 2).toString(), Buffer.concat([]).length];`, `["abc","ab",0]`},
	{"isBuffer and isEncoding", `return [Buffer.isBuffer(Buffer.alloc(1)), Buffer.isBuffer(new Uint8Array(1)), Buffer.isEncoding('UTF-8'), Buffer.isEncoding('nope')];`, `[true,false,true,false]`},
	{"alloc", `return [Buffer.alloc(3).toString('hex'), Buffer.alloc(3, 'ab').toString(), Buffer.alloc(2, 255).toString('hex'), Buffer.allocUnsafe(2).length];`, `["000000","aba","ffff",2]`},
	{"alloc bad size", `return Buffer.alloc(-1);`, "!Throw: RangeError"},
	{"Uint8Array subclass", `var b = Buffer.from('abc'); return [b instanceof Uint8Array, Buffer.isBuffer(b.subarray(1)), b.subarray(1).toString()];`, `[true,true,"bc"]`},
	{"slice shares memory", `var b = Buffer.from('abc'); b.slice(1)[0] = 65; return b.toString();`, `"aAc"`},
	{"toString range", `var b = Buffer.from('hello'); return [b.toString('utf8', 1, 3), b.toString('utf8', 4, 2), b.toString('utf8', -2), b.toString('latin1', 3, 99)];`, `["el","","hello","lo"]`},
	{"equals compare", `var a = Buffer.from('ab'), b = Buffer.from('ac'); return [a.equals(Buffer.from('ab')), a.compare(b), b.compare(a), Buffer.compare(a, a)];`, `[true,-1,1,0]`},
	{"read write ints", `var b = Buffer.alloc(8); b.writeUInt32LE(0x01020304, 0); b.writeUInt16BE(0xabcd, 4); b.writeInt8(-2, 6); return [b.toString('hex'), b.readUInt32LE(0), b.readUInt16BE(4), b.readInt8(6), b.readUint8(6), b.readInt32BE(0)];`, `["04030201abcdfe00",16909060,43981,-2,254,67305985]`},
	{"read out of range", `return Buffer.alloc(2).readUInt32BE(0);`, "!Throw: RangeError"},
	{"write", `var b = Buffer.alloc(6); var n = b.write('hé', 1); return [n, b.toString('hex')];`, `[3,"0068c3a90000"]`},
	{"copy", `var a = Buffer.from('abcd'), b = Buffer.alloc(3, '.'); var n = a.copy(b, 1, 2); return [n, b.toString()];`, `[2,".cd"]`},
	{"indexOf includes", `var b = Buffer.from('hello'); return [b.indexOf('l'), b.indexOf(111), b.includes('ell'), b.indexOf(Buffer.from('lo')), b.indexOf('z')];`, `[2,4,true,3,-1]`},
	{"fill string", `return Buffer.alloc(5).fill('ab', 1).toString('hex');`, `"0061626162"`},
	{"require buffer", `return require('buffer').Buffer === Buffer;`, `true`},
}

func TestBuffer(t *testing.T) { runExprTests(t, Runtime20, bufferTests) }

var textTests = []exprTest{
	{"encode", `return Array.from(new TextEncoder().encode('é😀'));`, `[195,169,240,159,152,128]`},
	{"encode type", `var e = new TextEncoder(); return [e.encoding, e.encode('') instanceof Uint8Array, e.encode().length];`, `["utf-8",true,0]`},
	{"lone surrogate", `return Array.from(new TextEncoder().encode('\ud800'));`, `[239,191,189]`},
	{"encodeInto", `var d = new Uint8Array(4); var r = new TextEncoder().encodeInto('aé😀', d); return [r.read, r.written, Array.from(d)];`, `[2,3,[97,195,169,0]]`},
	{"decode", `return new TextDecoder().decode(new Uint8Array([104, 195, 169]));`, `"hé"`},
	{"decode strips BOM", `return new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 104, 105]));`, `"hi"`},
	{"decode keeps BOM", `return new TextDecoder('utf-8', {ignoreBOM: true}).decode(new Uint8Array([0xef, 0xbb, 0xbf, 104])).length;`, `2`},
	{"decode invalid", `return new TextDecoder().decode(new Uint8Array([0xff, 0x61]));`, `"` + "\uFFFD" + `a"`},
	{"decode fatal", `return new TextDecoder('utf8', {fatal: true}).decode(new Uint8Array([0xff]));`, "!Throw: TypeError: The encoded data was not valid"},
	{"decode ArrayBuffer and view", `var ab = new Uint8Array([0, 104, 105]).buffer; return [new TextDecoder().decode(new DataView(ab, 1)), new TextDecoder().decode(ab).length];`, `["hi",3]`},
	{"decode nothing", `return new TextDecoder().decode();`, `""`},
	{"unsupported label", `return new TextDecoder('latin1');`, "!Throw: RangeError"},
	{"decoder props", `var d = new TextDecoder(undefined, {fatal: true}); return [d.encoding, d.fatal, d.ignoreBOM];`, `["utf-8",true,false]`},
	{"btoa", `return [btoa('hello'), btoa(''), btoa('\u00e9'), btoa('\u00ff\u0000')];`, `["aGVsbG8=","","6Q==","/wA="]`},
	{"btoa non-latin1", `return btoa('😀');`, "!Throw: InvalidCharacterError"},
	{"atob", `return [atob('aGVsbG8='), atob(' aGVs\nbG8 '), atob('aGVsbG8'), atob(''), atob('6Q==').charCodeAt(0)];`, `["hello","hello","hello","",233]`},
	{"atob bad length", `return atob('a');`, "!Throw: InvalidCharacterError"},
	{"atob bad char", `return atob('aGVsbG8*');`, "!Throw: InvalidCharacterError"},
	{"atob url alphabet", `return atob('-_8');`, "!Throw: InvalidCharacterError"},
	{"round trip", `var s = ''; for (var i = 0; i < 256; i++) s += String.fromCharCode(i); return atob(btoa(s)) === s;`, `true`},
}

func TestTextAndBase64(t *testing.T) { runExprTests(t, Runtime20, textTests) }

var byteStringTests = []exprTest{
	{"bytesFrom base64", `return String.bytesFrom('aGk=', 'base64');`, `"hi"`},
	{"bytesFrom base64url", `return String.bytesFrom('-_8', 'base64url').length;`, `2`},
	{"bytesFrom hex", `return String.bytesFrom('6869', 'hex');`, `"hi"`},
	{"bytesFrom array", `return String.bytesFrom([104, 105, 0x1ff]).length;`, `3`},
	{"bytesFrom bad encoding", `return String.bytesFrom('x', 'utf8');`, "!Throw: TypeError"},
	{"toUTF8 fromUTF8", `var b = 'é😀'.toUTF8(); return [b.length, b.fromUTF8(), '\u00ff'.fromUTF8()];`, `[6,"é😀",null]`},
	{"toBytes fromBytes", `return ['é'.toBytes(), '😀'.toBytes(), 'hé'.fromBytes(1), '\u0100'.fromBytes()];`, `["é",null,"é",null]`},
	{"jwt-style verify", `var c = require('crypto');
		var sig = c.createHmac('sha256', 'secret').update('a.b').digest('base64url');
		return String.bytesFrom(sig, 'base64url').length;`, `32`},
}

func TestByteStrings10(t *testing.T) { runExprTests(t, Runtime10, byteStringTests) }
