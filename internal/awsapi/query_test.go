package awsapi

import (
	"net/url"
	"reflect"
	"strconv"
	"testing"
)

func TestQueryForm(t *testing.T) {
	f, _ := url.ParseQuery("AttributeName.2=b&AttributeName.1=a&AttributeName.10=c&AttributeName.x=no&AttributeName.01=no" +
		"&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=5&Attribute.2.Value=orphan" +
		"&E.2.Id=two&E.1.Id=one&E.1.MessageAttribute.1.Name=k&E.1.MessageAttribute.1.Value.StringValue=v&E.1.MessageAttribute.1.Value.DataType=String")
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"list", queryList(f, "AttributeName"), []string{"a", "b", "c"}},
		{"map", queryMap(f, "Attribute", "Name", "Value"), map[string]string{"VisibilityTimeout": "5"}},
		{"entries", len(queryEntries(f, "E")), 2},
		{"entry order", queryEntries(f, "E")[1].Get("Id"), "two"},
		{"nested", formAttrs(queryEntries(f, "E")[0], "MessageAttribute"), map[string]wireAttr{"k": {DataType: "String", StringValue: "v"}}},
		{"none", queryList(f, "Nope"), []string(nil)},
		{"malformed index", okOf(queryIndexes(f, "AttributeName")), false},
		{"well-formed", okOf(queryIndexes(f, "E")), true},
		{"above the bound", okOf(queryIndexes(url.Values{"E.1001": {""}}, "E")), false},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func okOf(_ []int, ok bool) bool { return ok }

// FuzzQueryForm: whatever the form, the readers do not panic and return
// only what is in it, in index order; SNS's views refuse what queryIndexes
// does not pass; and a map read back from its own encoding is the same.
func FuzzQueryForm(f *testing.F) {
	f.Add("AttributeName.1=a&AttributeName.2=b")
	f.Add("Attribute.1.Name=x&Attribute.1.Value=y&Tag.3.Key=k")
	f.Add("E.1.MessageAttribute.1.Name=n&E.1.MessageAttribute.1.Value.BinaryValue=AAE%3D&E.1.MessageAttribute.1.Value.DataType=Binary")
	f.Add("E.9999999999999999999.Id=x&E.-1.Id=y&E..Id=z&E.1=")
	f.Add("Attributes.entry.1.key=A&Attributes.entry.1.value=1&TagKeys.member.1=x&Tags.member.1.Key=k")
	f.Add("PublishBatchRequestEntries.member.1.Id=a&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name=n")
	f.Add("MessageAttributes.entry.1.Name=b&MessageAttributes.entry.1.Value.BinaryValue=AQID")
	f.Fuzz(func(t *testing.T, q string) {
		form, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		for _, prefix := range []string{"AttributeName", "Attribute", "E", "Tag"} {
			idx, _ := queryIndexes(form, prefix)
			for i := 1; i < len(idx); i++ {
				if idx[i] <= idx[i-1] {
					t.Fatalf("indexes out of order: %v", idx)
				}
			}
			for _, v := range queryList(form, prefix) {
				found := false
				for _, n := range idx {
					if form.Get(prefix+"."+strconv.Itoa(n)) == v {
						found = true
					}
				}
				if !found {
					t.Fatalf("list value %q not in the form", v)
				}
			}
			entries := queryEntries(form, prefix)
			if len(entries) > len(idx) {
				t.Fatalf("%d entries for %d indexes", len(entries), len(idx))
			}
			for i, e := range entries {
				for k, v := range e {
					if !reflect.DeepEqual(form[prefix+"."+strconv.Itoa(idx[i])+"."+k], v) {
						t.Fatalf("entry %d's %s is not the form's", i, k)
					}
				}
				formAttrs(e, "MessageAttribute")
			}
			queryMap(form, prefix, "Key", "Value")
		}

		sf := snsForm(form)
		_, ok := queryIndexes(form, "TagKeys.member")
		if _, err := sf.list("TagKeys"); (err == nil) != ok {
			t.Fatalf("list: %v, indexes ok %v", err, ok)
		}
		sf.tags("Tags")
		sf.messageAttributes("MessageAttributes")
		if batch, err := sf.entries("PublishBatchRequestEntries", "member"); err == nil {
			for _, e := range batch {
				snsForm(e).publishInput()
			}
		}
		m, err := sf.stringMap("Attributes")
		if err != nil {
			return
		}
		again := url.Values{}
		i := 1
		for k, val := range m {
			p := "Attributes.entry." + strconv.Itoa(i) + "."
			again.Set(p+"key", k)
			again.Set(p+"value", val)
			i++
		}
		if m2, err := snsForm(again).stringMap("Attributes"); err != nil || !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip: %v -> %v, %v", m, m2, err)
		}
	})
}
