package iam

import "testing"

// BenchmarkDecide: one request against every grant, the cost an AWS call
// of a function pays for access control.
func BenchmarkDecide(b *testing.B) {
	var pol Policy
	for _, k := range Grantable() {
		g, _ := Grant(k, "x")
		pol = append(pol, g)
	}
	b.ReportAllocs()
	for b.Loop() {
		pol.Decide("sqs:SendMessage", []string{"arn:aws:sqs:us-east-1:000000000000:x"})
	}
}
