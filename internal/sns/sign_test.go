package sns

import (
	"bytes"
	"testing"
)

// TestSignerPEM round-trips a signer through its PEM form and checks the
// canonical strings of both message kinds, field by field.
func TestSignerPEM(t *testing.T) {
	s, err := NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseSigner(s.PEM())
	if err != nil || !bytes.Equal(again.CertPEM(), s.CertPEM()) || !again.key.Equal(s.key) {
		t.Fatalf("ParseSigner(PEM()) = %v", err)
	}
	for _, c := range []struct {
		m    Message
		want string
	}{
		{Message{Type: TypeNotification, Message: "m", MessageID: "id", Subject: "s", Timestamp: "ts", TopicArn: "arn"},
			"Message\nm\nMessageId\nid\nSubject\ns\nTimestamp\nts\nTopicArn\narn\nType\nNotification\n"},
		{Message{Type: TypeNotification, Message: "m", MessageID: "id", Timestamp: "ts", TopicArn: "arn"},
			"Message\nm\nMessageId\nid\nTimestamp\nts\nTopicArn\narn\nType\nNotification\n"},
		{Message{Type: TypeSubscriptionConfirmation, Message: "m", MessageID: "id", SubscribeURL: "u", Timestamp: "ts", Token: "tok", TopicArn: "arn"},
			"Message\nm\nMessageId\nid\nSubscribeURL\nu\nTimestamp\nts\nToken\ntok\nTopicArn\narn\nType\nSubscriptionConfirmation\n"},
	} {
		if got := Canonical(&c.m); got != c.want {
			t.Errorf("Canonical(%+v) =\n%q\nwant\n%q", c.m, got, c.want)
		}
	}
	for _, bad := range []string{"", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", string(s.CertPEM())} {
		if _, err := ParseSigner([]byte(bad)); err == nil {
			t.Errorf("ParseSigner(%.40q) accepted", bad)
		}
	}
}

// FuzzParseSigner reads arbitrary PEM without panicking.
func FuzzParseSigner(f *testing.F) {
	s, err := NewSigner()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(s.PEM())
	f.Add(s.CertPEM())
	f.Fuzz(func(t *testing.T, data []byte) {
		if p, err := ParseSigner(data); err == nil {
			if _, err := p.Sign("2", &Message{Type: TypeNotification}); err != nil {
				t.Fatalf("a parsed signer cannot sign: %v", err)
			}
		}
	})
}
