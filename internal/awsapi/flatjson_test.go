package awsapi

import (
	"encoding/json"
	"reflect"
	"testing"
)

// flatSeeds are shapes of requests, decodeFlat's and not.
var flatSeeds = []string{
	`{"QueueUrl":"http://127.0.0.1/000000000000/b","MessageBody":"hello"}`,
	` { "MessageBody" : "a\"b\\c\/d\n\t\r\b\f" , "QueueUrl":"u", "DelaySeconds": 5 } `,
	`{"MessageBody":"é€😀","DelaySeconds":-0,"MessageGroupId":"g","MessageDeduplicationId":"d","Id":"1"}`,
	`{"MessageBody":"x","DelaySeconds":1.5}`, `{"MessageBody":"x","DelaySeconds":1e2}`, `{"DelaySeconds":0123}`,
	`{"DelaySeconds":1234567890}`, `{"DelaySeconds":null}`, `{"DelaySeconds":"5"}`, `{"QueueUrl":null}`, `{"QueueUrl":5}`,
	`{"queueurl":"a"}`, `{"QueueUrl":"a","QueueUrl":"b"}`, `{"Other":{"a":[1,true,false,null,"x",{"b":-1.5e3}]},"QueueUrl":"a"}`,
	`{"MessageAttributes":{"a":{"DataType":"String","StringValue":"v"}},"MessageBody":"x"}`, `{"MessageBody":"\u00e9"}`,
	`{"MessageBody":"` + "\xff" + `"}`, `{"MessageBody":"a` + "\x01" + `"}`, `{"a":tru}`, `{"a":1,}`, `{,}`, `{}`, `{} x`, `[]`,
	`{"a":[1,2,]}`, `{"a":"\x"}`, `{"QueueName":"q","SourceArn":"s","DestinationArn":"d","TaskHandle":"t"}`, `{"a":01}`, `{"a":-}`,
	`{"Ünknown":1}`, `{"K":1}`, `{"MessageBody":"x"}}`, `{"MessageBody":"x"`,
}

// FuzzDecodeFlat: whatever decodeFlat decodes, encoding/json decodes to
// the same, into the inputs that use it.
func FuzzDecodeFlat(f *testing.F) {
	for _, s := range flatSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkFlat(t, b, func() flatInput { return &sendMessageIn{} })
		checkFlat(t, b, func() flatInput { return &sqsRef{} })
	})
}

func checkFlat(t *testing.T, b []byte, fresh func() flatInput) {
	t.Helper()
	got, want := fresh(), fresh()
	if !decodeFlat(b, got.flatFields()) {
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: a refused decode changed the input: %+v", b, got)
		}
		return
	}
	if err := json.Unmarshal(b, want); err != nil {
		t.Fatalf("%q: decodeFlat took what encoding/json refuses: %v", b, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: decodeFlat %+v, encoding/json %+v", b, got, want)
	}
}

// TestDecodeFlat: the common requests take the flat path; the seeds agree
// with encoding/json.
func TestDecodeFlat(t *testing.T) {
	for _, s := range flatSeeds {
		checkFlat(t, []byte(s), func() flatInput { return &sendMessageIn{} })
		checkFlat(t, []byte(s), func() flatInput { return &sqsRef{} })
	}
	var in sendMessageIn
	if !decodeFlat([]byte(flatSeeds[1]), in.flatFields()) || in.MessageBody != "a\"b\\c/d\n\t\r\b\f" || *in.DelaySeconds != 5 {
		t.Errorf("%+v", in)
	}
	var ref sqsRef
	if !decodeFlat([]byte(flatSeeds[13]), ref.flatFields()) || ref.QueueURL != "a" {
		t.Errorf("%+v", ref)
	}
}

func BenchmarkDecodeSendMessage(b *testing.B) {
	body := []byte(`{"QueueUrl":"http://127.0.0.1/000000000000/b","MessageBody":"hello"}`)
	b.Run("flat", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var in sendMessageIn
			if err := decodeJSON(body, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var in sendMessageIn
			if err := json.Unmarshal(body, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzSentOut: the SendMessage response is json.Marshal's, whatever its
// strings.
func FuzzSentOut(f *testing.F) {
	f.Add("", "6c9b7b6b-7d5e-4d5a-9a7e-2f7c2d9b8e1a", "5d41402abc4b2a76b9719d911017c592", "", "", "")
	f.Add("a<b>&\"\\\x01é\xff\u2028", "m", "5", "a", "s", "10000000000000000001")
	f.Fuzz(func(t *testing.T, id, mid, md5b, md5a, md5s, seq string) {
		o := sentOut{ID: id, MessageID: mid, MD5OfMessageBody: md5b, MD5OfMessageAttributes: md5a, MD5OfMessageSystemAttributes: md5s, SequenceNumber: seq}
		want, _ := json.Marshal(o)
		if got := o.appendJSON(nil); string(got) != string(want) {
			t.Fatalf("%s, json.Marshal %s", got, want)
		}
	})
}
