package awsapi

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"

	"github.com/verge-edge/verge/internal/sqs"
)

type listQueuesIn struct {
	QueueNamePrefix string
	MaxResults      *int
	NextToken       string
}

func (in *listQueuesIn) fromForm(f url.Values) {
	in.QueueNamePrefix, in.NextToken, in.MaxResults = f.Get("QueueNamePrefix"), f.Get("NextToken"), formInt(f, "MaxResults")
}

type queueURLsOut struct {
	QueueURLs []string `json:"QueueUrls,omitempty" xml:"QueueUrl"`
	NextToken string   `json:"NextToken,omitempty" xml:"NextToken,omitempty"`
}

// listQueues serves ListQueues.
func (a *sqsAPI) listQueues(w http.ResponseWriter, r *http.Request) error {
	var in listQueuesIn
	if err := a.read(r, &in); err != nil {
		return err
	}
	out, err := page(r, a.q().ListQueues(in.QueueNamePrefix), in.MaxResults, in.NextToken)
	if err != nil {
		return err
	}
	return a.write(w, r, "ListQueues", out)
}

// page is one page of queue names as URLs. Without MaxResults it is the
// first 1,000 and no token, as SQS.
func page(r *http.Request, names []string, max *int, token string) (queueURLsOut, error) {
	var out queueURLsOut
	limit := sqsListMax
	if max != nil {
		if *max < 1 || *max > sqsListMax {
			return out, &sqs.Error{Code: sqs.CodeInvalidParameterValue, Message: "Value " + strconv.Itoa(*max) + " for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000."}
		}
		limit = *max
	}
	if token != "" {
		after, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return out, &sqs.Error{Code: sqs.CodeInvalidParameterValue, Message: "Invalid NextToken value."}
		}
		i := 0
		for i < len(names) && names[i] <= string(after) {
			i++
		}
		names = names[i:]
	}
	if len(names) > limit {
		names = names[:limit]
		if max != nil {
			out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(names[len(names)-1]))
		}
	}
	for _, n := range names {
		out.QueueURLs = append(out.QueueURLs, queueURL(r, n))
	}
	return out, nil
}
