package awsapi

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http/httptest"
	"testing"
)

// TestStringToSignV2 checks the version 2 string to sign against AWS's
// documented query-string authentication example: GET of
// johnsmith/photos/puppy.jpg, expiring at 1175139620, signs to
// NpgCjnDzrM+WFzoENXmpNDUsSn8= with the example secret.
func TestStringToSignV2(t *testing.T) {
	a := &s3API{}
	for _, tc := range []struct{ name, url, host string }{
		{"path-style", "/johnsmith/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620&Signature=x", "127.0.0.1:8081"},
		{"virtual-host", "/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620&Signature=x", "johnsmith.localhost:8081"},
	} {
		r := httptest.NewRequest("GET", tc.url, nil)
		r.Host = tc.host
		sts := a.stringToSignV2(r, "1175139620")
		if want := "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg"; sts != want {
			t.Errorf("%s: string to sign %q, want %q", tc.name, sts, want)
		}
		mac := hmac.New(sha1.New, []byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
		mac.Write([]byte(sts))
		if got := base64.StdEncoding.EncodeToString(mac.Sum(nil)); got != "NpgCjnDzrM+WFzoENXmpNDUsSn8=" {
			t.Errorf("%s: signature %s, want AWS's NpgCjnDzrM+WFzoENXmpNDUsSn8=", tc.name, got)
		}
	}
}
