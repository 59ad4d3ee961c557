package awsapi

import "net/http"

// listTopics serves ListTopics, 100 topics a page.
func (a *snsAPI) listTopics(w http.ResponseWriter, r *http.Request) error {
	f, err := params(r)
	if err != nil {
		return err
	}
	arns, next, err := a.svc().ListTopics(f.get("NextToken"))
	if err != nil {
		return snsErr(err)
	}
	type topic struct {
		TopicArn string `xml:"TopicArn"`
	}
	out := struct {
		Topics    []topic `xml:"Topics>member"`
		NextToken string  `xml:"NextToken,omitempty"`
	}{NextToken: next}
	for _, a := range arns {
		out.Topics = append(out.Topics, topic{a})
	}
	return writeSNS(w, "ListTopics", out)
}
