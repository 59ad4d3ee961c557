package awsapi

import (
	"net/url"
	"testing"
)

// TestSNSForm reads the query protocol's lists, maps, tags and message
// attributes as the SDKs write them.
func TestSNSForm(t *testing.T) {
	v, _ := url.ParseQuery("Attributes.entry.2.key=B&Attributes.entry.2.value=2&Attributes.entry.1.key=A&Attributes.entry.1.value=1" +
		"&TagKeys.member.1=x&TagKeys.member.10=z&TagKeys.member.2=y" +
		"&Tags.member.1.Key=k&Tags.member.1.Value=v" +
		"&MessageAttributes.entry.1.Name=n&MessageAttributes.entry.1.Value.DataType=Number&MessageAttributes.entry.1.Value.StringValue=5" +
		"&MessageAttributes.entry.2.Name=b&MessageAttributes.entry.2.Value.DataType=Binary&MessageAttributes.entry.2.Value.BinaryValue=AQID")
	f := snsForm(v)
	m, err := f.stringMap("Attributes")
	if err != nil || len(m) != 2 || m["A"] != "1" || m["B"] != "2" {
		t.Errorf("stringMap = %v, %v", m, err)
	}
	l, err := f.list("TagKeys")
	if err != nil || len(l) != 3 || l[0] != "x" || l[1] != "y" || l[2] != "z" {
		t.Errorf("list = %v, %v", l, err)
	}
	tags, err := f.tags("Tags")
	if err != nil || tags["k"] != "v" {
		t.Errorf("tags = %v, %v", tags, err)
	}
	a, err := f.messageAttributes("MessageAttributes")
	if err != nil || a["n"].DataType != "Number" || a["n"].StringValue != "5" || string(a["b"].BinaryValue) != "\x01\x02\x03" {
		t.Errorf("messageAttributes = %+v, %v", a, err)
	}
	for _, bad := range []string{"Attributes.entry.x.key=a", "Attributes.entry.0.key=a", "Attributes.entry.1.value=a",
		"Attributes.entry.99999.key=a", "MessageAttributes.entry.1.Name=b&MessageAttributes.entry.1.Value.BinaryValue=!!"} {
		v, _ := url.ParseQuery(bad)
		f := snsForm(v)
		_, e1 := f.stringMap("Attributes")
		_, e2 := f.messageAttributes("MessageAttributes")
		if e1 == nil && e2 == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}
