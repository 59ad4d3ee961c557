// Package attr is DynamoDB's attribute values: the ten types (S, N, B,
// BOOL, NULL, M, L, SS, NS, BS), their JSON wire form as the DynamoDB API
// sends and receives it ({"S":"x"}, {"N":"1.5"}, {"B":"<base64>"}, …) with
// AWS's validation and messages, numbers with DynamoDB's exact decimal
// semantics (38 significant digits, magnitudes 1E-130 to
// 9.9999999999999999999999999999999999999E+125, canonical plain form,
// exact addition), equality and ordering as DynamoDB applies them, and the
// item size DynamoDB counts against its 400 KB limit.
//
// Numbers are kept as their canonical decimal string (Value.S for N, the
// members of Value.Set for NS) and parsed on demand into a Number, a
// sign, a string of significant digits and a power of ten: no floating
// point is ever involved, so 0.1 + 0.2 is 0.3 as in DynamoDB.
package attr
