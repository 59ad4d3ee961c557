package awsapi

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/logs"
)

// CloudWatch Logs' constraints on names and values, from its service
// model.
const (
	maxLogNameLen        = 512
	logGroupNamePattern  = `[\.\-_/#A-Za-z0-9]+`
	logStreamNamePattern = `[^:*]*`
	maxKMSKeyIDLen       = 256
	maxLogTags           = 50
	maxTagKeyLen         = 128
	maxTagValueLen       = 256
	maxFilterPatternLen  = 1024
	maxTestMessages      = 50
)

var (
	logGroupNameRE  = regexp.MustCompile(`^` + logGroupNamePattern + `$`)
	logStreamNameRE = regexp.MustCompile(`^` + logStreamNamePattern + `$`)
)

// retentionDays are the retentions PutRetentionPolicy accepts, in days.
var retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// logGroupClasses are CreateLogGroup's logGroupClass values.
var logGroupClasses = []string{logGroupClassStandard, "INFREQUENT_ACCESS", "DELIVERY"}

// validation collects the constraint violations of a request, which AWS
// reports together: "2 validation errors detected: Value … ; Value …".
type validation []string

// add records that value at member failed constraint; a nil value prints
// as null, as AWS does.
func (v *validation) add(value *string, member, constraint string) {
	val := "null"
	if value != nil {
		val = "'" + *value + "'"
	}
	*v = append(*v, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", val, member, constraint))
}

// err is the violations as InvalidParameterException, or nil.
func (v validation) err() error {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return errInvalidParameter.With("1 validation error detected: " + v[0])
	}
	return errInvalidParameter.Withf("%d validation errors detected: %s", len(v), strings.Join(v, "; "))
}

// required checks that a member is present.
func (v *validation) required(value *string, member string) bool {
	if value == nil {
		v.add(nil, member, "Member must not be null")
		return false
	}
	return true
}

// length checks a string's length (in characters, as AWS counts) against
// [min, max]; max 0 is no bound.
func (v *validation) length(value *string, member string, min, max int) {
	if value == nil {
		return
	}
	n := utf8.RuneCountInString(*value)
	if n < min {
		v.add(value, member, "Member must have length greater than or equal to "+strconv.Itoa(min))
	}
	if max > 0 && n > max {
		v.add(value, member, "Member must have length less than or equal to "+strconv.Itoa(max))
	}
}

// list checks a required list of n members (null: absent) against
// [min, max], as AWS words it: an empty list is shown as '[]', a long
// one not at all.
func (v *validation) list(member string, null bool, n, min, max int) {
	switch {
	case null:
		v.add(nil, member, "Member must not be null")
	case n < min:
		*v = append(*v, "Value '[]' at '"+member+"' failed to satisfy constraint: Member must have length greater than or equal to "+strconv.Itoa(min))
	case n > max:
		*v = append(*v, "Value at '"+member+"' failed to satisfy constraint: Member must have length less than or equal to "+strconv.Itoa(max))
	}
}

// pattern checks a string against its model's regular expression.
func (v *validation) pattern(value *string, member string, re *regexp.Regexp, src string) {
	if value != nil && !re.MatchString(*value) {
		v.add(value, member, "Member must satisfy regular expression pattern: "+src)
	}
}

// groupName checks a required logGroupName.
func (v *validation) groupName(name *string) {
	if v.required(name, "logGroupName") {
		v.length(name, "logGroupName", 1, maxLogNameLen)
		v.pattern(name, "logGroupName", logGroupNameRE, logGroupNamePattern)
	}
}

// streamName checks a required logStreamName.
func (v *validation) streamName(name *string) {
	if v.required(name, "logStreamName") {
		v.length(name, "logStreamName", 1, maxLogNameLen)
		v.pattern(name, "logStreamName", logStreamNameRE, logStreamNamePattern)
	}
}

// namedGroup is the request of the operations on one group by name.
type namedGroup struct {
	LogGroupName *string `json:"logGroupName"`
}

// readGroupName reads and checks the request of an operation on one
// group by name, and returns the name.
func readGroupName(r *http.Request) (string, error) {
	var in namedGroup
	if err := readJSON(r, &in); err != nil {
		return "", err
	}
	var v validation
	v.groupName(in.LogGroupName)
	if err := v.err(); err != nil {
		return "", err
	}
	return *in.LogGroupName, nil
}

// namedStream is the request of the operations on one stream.
type namedStream struct {
	LogGroupName  *string `json:"logGroupName"`
	LogStreamName *string `json:"logStreamName"`
}

// readStreamName reads and checks the request of an operation on one
// stream, and returns its group and name.
func readStreamName(r *http.Request) (group, stream string, err error) {
	var in namedStream
	if err := readJSON(r, &in); err != nil {
		return "", "", err
	}
	var v validation
	v.groupName(in.LogGroupName)
	v.streamName(in.LogStreamName)
	if err := v.err(); err != nil {
		return "", "", err
	}
	return *in.LogGroupName, *in.LogStreamName, nil
}

// logStreamResources is the ARN of the stream a request names, as IAM
// names it for the stream operations.
func logStreamResources(r *http.Request) []string {
	var s namedStream
	if !peekJSON(r, &s) || s.LogGroupName == nil || s.LogStreamName == nil {
		return logGroupResources(r)
	}
	return []string{arn.LogStream(*s.LogGroupName, *s.LogStreamName)}
}

// anyResource is the resource of the operations IAM grants on "*".
func anyResource(*http.Request) []string { return []string{"*"} }

// streamError is a logs.Store error about a stream as CloudWatch Logs
// answers it.
func streamError(err error) error {
	if errors.Is(err, logs.ErrNoStream) {
		return errNotFound.With("The specified log stream does not exist.")
	}
	return storeError(err)
}

// cause is the innermost message of an internal/errs error: its cause
// without the ops and paths, as a client is shown it.
func cause(err error) string {
	for {
		e, ok := err.(*errs.Error)
		if !ok || e.Err == nil {
			return err.Error()
		}
		err = e.Err
	}
}
