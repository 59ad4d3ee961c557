package awsapi

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

type putRetentionPolicyInput struct {
	LogGroupName    *string `json:"logGroupName"`
	RetentionInDays *int    `json:"retentionInDays"`
}

// putRetentionPolicy is PutRetentionPolicy: the group's events older than
// the retention are deleted by the store's sweep, a day file at a time.
func (l *logsAPI) putRetentionPolicy(w http.ResponseWriter, r *http.Request) error {
	var in putRetentionPolicyInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	var v validation
	v.groupName(in.LogGroupName)
	switch d := in.RetentionInDays; {
	case d == nil:
		v.add(nil, "retentionInDays", "Member must not be null")
	case !slices.Contains(retentionDays, *d):
		s := strconv.Itoa(*d)
		v.add(&s, "retentionInDays", "Member must satisfy enum value set: ["+retentionDaysList()+"]")
	}
	if err := v.err(); err != nil {
		return err
	}
	if err := l.store.SetRetention(*in.LogGroupName, time.Duration(*in.RetentionInDays)*24*time.Hour); err != nil {
		return storeError(err)
	}
	return writeJSON(w, http.StatusOK, struct{}{})
}

func retentionDaysList() string {
	s := make([]string, len(retentionDays))
	for i, d := range retentionDays {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, ", ")
}
