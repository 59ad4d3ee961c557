package awsapi

import (
	"net/http"
	"net/url"
)

type listSourcesIn struct {
	QueueURL   string `json:"QueueUrl"`
	MaxResults *int
	NextToken  string
}

func (in *listSourcesIn) fromForm(f url.Values) {
	in.QueueURL, in.NextToken, in.MaxResults = f.Get("QueueUrl"), f.Get("NextToken"), formInt(f, "MaxResults")
}
func (in *listSourcesIn) setURL(u string) { in.QueueURL = u }

type sourcesOut struct {
	QueueURLs []string `json:"queueUrls" xml:"QueueUrl"`
	NextToken string   `json:"NextToken,omitempty" xml:"NextToken,omitempty"`
}

// listDeadLetterSourceQueues serves ListDeadLetterSourceQueues.
func (a *sqsAPI) listDeadLetterSourceQueues(w http.ResponseWriter, r *http.Request) error {
	var in listSourcesIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	name, err := a.queue(in.QueueURL)
	if err != nil {
		return err
	}
	names, err := a.q().DeadLetterSources(name)
	if err != nil {
		return err
	}
	p, err := page(r, names, in.MaxResults, in.NextToken)
	if err != nil {
		return err
	}
	out := sourcesOut(p)
	if out.QueueURLs == nil {
		out.QueueURLs = []string{}
	}
	return a.write(w, r, "ListDeadLetterSourceQueues", out)
}
