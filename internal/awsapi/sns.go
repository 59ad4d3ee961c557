package awsapi

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/sns"
)

// snsNamespace is the XML namespace of SNS's responses.
const snsNamespace = "http://sns.amazonaws.com/doc/2010-03-31/"

// SNS returns the SNS service (the query protocol, Version 2010-03-31;
// the SDKs speak nothing else to SNS) on svc.
func SNS(svc Opener[*sns.Service]) *Service {
	a := &snsAPI{open: lazy[*sns.Service]{open: svc}}
	topicParam := snsResource("TopicArn")
	ops := []Operation{
		{Name: "Publish", Resources: publishResource, Handle: a.publish},
		{Name: "PublishBatch", Resources: topicParam, Handle: a.publishBatch},
		{Name: "CreateTopic", Resources: createTopicResource, Handle: a.createTopic},
		{Name: "DeleteTopic", Resources: topicParam, Handle: a.deleteTopic},
		{Name: "Subscribe", Resources: topicParam, Handle: a.subscribe},
		{Name: "ConfirmSubscription", Resources: topicParam, Handle: a.confirmSubscription},
		{Name: "Unsubscribe", Resources: subscriptionResource, Handle: a.unsubscribe},
		{Name: "ListTopics", Handle: a.listTopics},
		{Name: "ListSubscriptions", Handle: a.listSubscriptions},
		{Name: "ListSubscriptionsByTopic", Resources: topicParam, Handle: a.listSubscriptionsByTopic},
		{Name: "GetTopicAttributes", Resources: topicParam, Handle: a.getTopicAttributes},
		{Name: "SetTopicAttributes", Resources: topicParam, Handle: a.setTopicAttributes},
		{Name: "GetSubscriptionAttributes", Resources: subscriptionResource, Handle: a.getSubscriptionAttributes},
		{Name: "SetSubscriptionAttributes", Resources: subscriptionResource, Handle: a.setSubscriptionAttributes},
		{Name: "TagResource", Resources: snsResource("ResourceArn"), Handle: a.tagResource},
		{Name: "UntagResource", Resources: snsResource("ResourceArn"), Handle: a.untagResource},
		{Name: "ListTagsForResource", Resources: snsResource("ResourceArn"), Handle: a.listTagsForResource},
	}
	for i := range ops {
		ops[i].Action = "sns:" + ops[i].Name
	}
	a.open.guard(ops)
	return &Service{Name: "sns", Protocol: Query, Ops: ops}
}

// snsAPI serves SNS's operations.
type snsAPI struct{ open lazy[*sns.Service] }

// svc is the topic service, open once a handler runs.
func (a *snsAPI) svc() *sns.Service { return a.open.v }

// snsResource is an operation's resource: the topic ARN in a parameter.
func snsResource(param string) func(r *http.Request) []string {
	return func(r *http.Request) []string {
		if a := r.FormValue(param); a != "" {
			return []string{a}
		}
		return nil
	}
}

// publishResource is Publish's topic: TopicArn or TargetArn.
func publishResource(r *http.Request) []string {
	if a := r.FormValue("TopicArn"); a != "" {
		return []string{a}
	}
	if a := r.FormValue("TargetArn"); a != "" {
		return []string{a}
	}
	return nil
}

func createTopicResource(r *http.Request) []string {
	if n := r.FormValue("Name"); n != "" {
		return []string{arn.Topic(n)}
	}
	return nil
}

// subscriptionResource is a subscription's topic: IAM authorises
// subscription operations on the topic.
func subscriptionResource(r *http.Request) []string {
	a := r.FormValue("SubscriptionArn")
	if i := strings.LastIndexByte(a, ':'); i > 0 && sns.TopicName(a[:i]) != "" {
		return []string{a[:i]}
	}
	return nil
}

// params are the request's parameters, the body's form and the query
// string's (the router parsed them to read Action).
func params(r *http.Request) (snsForm, error) {
	if err := r.ParseForm(); err != nil {
		return nil, errSNSInvalidParameter.With("Invalid parameter: the request's form does not parse: " + err.Error())
	}
	return snsForm(r.Form), nil
}

// paramsAttrs are the request's parameters and their Attributes map
// (CreateTopic's, Subscribe's).
func paramsAttrs(r *http.Request) (snsForm, map[string]string, error) {
	f, err := params(r)
	if err != nil {
		return nil, nil, err
	}
	attrs, err := f.stringMap("Attributes")
	return f, attrs, err
}

// snsErr is an error of the sns package as SNS answers it.
func snsErr(err error) error {
	var e *sns.Error
	if errors.As(err, &e) {
		if c, ok := snsErrors[e.Code]; ok {
			return c.With(e.Message)
		}
		return errSNSInvalidParameter.With(e.Message)
	}
	return errSNSInternal.With(err.Error())
}

// snsAttributes is an Attributes map as SNS writes it.
type snsAttributes map[string]string

func (m snsAttributes) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	e.EncodeToken(start)
	if err := encodePairs(e, xml.StartElement{Name: xml.Name{Local: "entry"}}, m, "key", "value"); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}

// writeSNS writes an operation's response: <OpResponse> with the result
// (nil for none) in <OpResult>, then the request id.
func writeSNS(w http.ResponseWriter, op string, result any) error {
	return writeQuery(w, op, snsNamespace, result)
}
