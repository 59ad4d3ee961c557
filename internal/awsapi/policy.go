package awsapi

import (
	"encoding/json"
	"net/http"

	"github.com/verge-edge/verge/internal/arn"
)

type policyStatement struct {
	Sid       string            `json:"Sid"`
	Effect    string            `json:"Effect"`
	Principal map[string]string `json:"Principal"`
	Action    string            `json:"Action"`
	Resource  string            `json:"Resource"`
	Condition map[string]any    `json:"Condition"`
}

// getPolicy is GetPolicy: the resource-based policy a deployment gives a
// function its triggers may invoke (EventBridge's rules), or
// ResourceNotFoundException when it has none, as Lambda answers.
func (l *lambdaAPI) getPolicy(w http.ResponseWriter, r *http.Request) error {
	c, err := l.config(r)
	if err != nil {
		return err
	}
	fnARN := arn.Function(c.Name, "")
	var st []policyStatement
	for _, t := range l.triggers() {
		if t.Function != c.Name {
			continue
		}
		st = append(st, policyStatement{Sid: mapping(t).UUID, Effect: "Allow",
			Principal: map[string]string{"Service": "events.amazonaws.com"}, Action: "lambda:InvokeFunction", Resource: fnARN,
			Condition: map[string]any{"ArnLike": map[string]string{"AWS:SourceArn": t.Source}}})
	}
	if len(st) == 0 {
		return errNotFound.With("The resource you requested does not exist.")
	}
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Id": "default", "Statement": st})
	return writeJSON(w, http.StatusOK, map[string]string{"Policy": string(doc), "RevisionId": revision(c)})
}
