package awsapi

import "net/http"

// tagResource is TagResource on a log group's ARN.
func (l *logsAPI) tagResource(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ResourceARN *string           `json:"resourceArn"`
		Tags        map[string]string `json:"tags"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	var v validation
	requireLogTags(&v, in.Tags)
	if err := v.err(); err != nil {
		return err
	}
	group, err := taggedGroup(in.ResourceARN)
	if err != nil {
		return err
	}
	return l.tagGroup(w, group, in.Tags)
}
