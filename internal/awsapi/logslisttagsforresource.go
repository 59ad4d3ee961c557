package awsapi

import "net/http"

// listTagsForResource is ListTagsForResource on a log group's ARN.
func (l *logsAPI) listTagsForResource(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ResourceARN *string `json:"resourceArn"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	group, err := taggedGroup(in.ResourceARN)
	if err != nil {
		return err
	}
	return l.groupTags(w, group)
}
