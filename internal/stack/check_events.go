package stack

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/verge-edge/verge/internal/triggers/eventbus"
	"github.com/verge-edge/verge/internal/triggers/pattern"
	"github.com/verge-edge/verge/internal/triggers/schedule"
)

// The pure checks of the event-driven values: schedule expressions,
// patterns, target inputs and ARNs.

// A problem report of checkExpressions: field names the value that is
// wrong ("scheduleRate", "eventPattern", "input", "inputPath",
// "inputTemplate", or "inputPathsMap.NAME" for one variable).
type reportFunc func(field string, err error)

// checkExpressions checks the values of one schedule or event-bus event
// that other packages parse and run, reporting each problem with the
// field it is in; schedule or pattern is empty when the event has none.
// The parsers are the ones that run them: schedule.Parse, pattern.Compile
// and the event bus's Input.Check.
func checkExpressions(expr string, pat []byte, in TargetInput, report reportFunc) {
	if expr != "" {
		if _, err := schedule.Parse(expr); err != nil {
			report("scheduleRate", err)
		}
	}
	if pat != nil {
		if err := checkPatternShape(pat); err != nil {
			report("eventPattern", err)
		} else if _, err := pattern.Compile(pat); err != nil {
			report("eventPattern", err)
		}
	}
	reported := false
	checkTargetInput(in, func(field string, err error) { reported = true; report(field, err) })
	set := 0
	for _, b := range []bool{in.Input != nil, in.InputPath != "", in.Transformer != nil} {
		if b {
			set++
		}
	}
	if reported || set > 1 { // the resolver reports the exclusive properties
		return
	}
	if err := busInput(in).Check(); err != nil {
		field := "input"
		switch {
		case in.Transformer != nil:
			field = "inputTemplate"
		case in.InputPath != "":
			field = "inputPath"
		}
		report(field, err)
	}
}

// busInput is a target input as the event bus runs it.
func busInput(in TargetInput) eventbus.Input {
	out := eventbus.Input{Input: in.Input, InputPath: in.InputPath}
	if t := in.Transformer; t != nil {
		out.Transformer = &eventbus.Transformer{PathsMap: t.PathsMap, Template: t.Template}
	}
	return out
}

// checkPatternShape checks that an event pattern is a JSON object.
func checkPatternShape(pattern []byte) error {
	if len(pattern) == 0 || pattern[0] != '{' {
		return fmt.Errorf("must be a mapping of event fields to lists of values or matchers, found %s", jsonKind(pattern))
	}
	if len(pattern) > maxPatternBytes {
		return fmt.Errorf("is %d bytes as JSON; EventBridge's limit is %d", len(pattern), maxPatternBytes)
	}
	return nil
}

// jsonKind says what JSON text is, for messages.
func jsonKind(j []byte) string {
	switch {
	case len(j) == 0 || string(j) == "null":
		return "an empty value"
	case j[0] == '[':
		return "a list"
	case j[0] == '"':
		return "a string"
	case j[0] == '{':
		return "a mapping"
	}
	return "the value " + string(j)
}

// reservedVariable starts the names of EventBridge's predefined input
// transformer variables (aws.events.rule-arn, ...).
const reservedVariable = "aws.events."

// variableName is what an input transformer variable may be called.
var variableName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// checkTargetInput checks the limits of a target input.
func checkTargetInput(in TargetInput, report reportFunc) {
	if len(in.Input) > maxInputBytes {
		report("input", fmt.Errorf("is %d bytes as JSON; EventBridge's limit is %d", len(in.Input), maxInputBytes))
	}
	if in.InputPath != "" {
		if err := checkJSONPath(in.InputPath); err != nil {
			report("inputPath", err)
		}
	}
	t := in.Transformer
	if t == nil {
		return
	}
	if len(t.PathsMap) > maxInputVariables {
		report("inputPathsMap", fmt.Errorf("has %d variables; EventBridge allows %d", len(t.PathsMap), maxInputVariables))
	}
	for name, path := range t.PathsMap {
		switch {
		case strings.HasPrefix(name, reservedVariable):
			report("inputPathsMap."+name, fmt.Errorf("variable %q is reserved: EventBridge predefines the variables starting with %s", name, reservedVariable))
		case !variableName.MatchString(name):
			report("inputPathsMap."+name, fmt.Errorf("variable %q may hold only letters, digits, '_', '-' and '.'", name))
		default:
			if err := checkJSONPath(path); err != nil {
				report("inputPathsMap."+name, fmt.Errorf("variable %q: %v", name, err))
			}
		}
	}
	switch {
	case strings.TrimSpace(t.Template) == "":
		report("inputTemplate", errors.New("must not be empty"))
	case len(t.Template) > maxInputBytes:
		report("inputTemplate", fmt.Errorf("is %d bytes; EventBridge's limit is %d", len(t.Template), maxInputBytes))
	}
}

// checkJSONPath checks the shape of an EventBridge JSON path: "$" or
// "$." followed by the path.
func checkJSONPath(p string) error {
	switch {
	case p != "$" && !strings.HasPrefix(p, "$.") && !strings.HasPrefix(p, "$["):
		return fmt.Errorf("JSON path %q must start with $ (the event), as in $.detail", p)
	case len(p) > maxJSONPathBytes:
		return fmt.Errorf("JSON path is %d bytes; EventBridge's limit is %d", len(p), maxJSONPathBytes)
	case strings.ContainsAny(p, " \t\n"):
		return fmt.Errorf("JSON path %q must not hold spaces", p)
	}
	return nil
}

// localARN is an ARN split into its fields.
type localARN struct {
	partition, service, region, account, resource string
}

// splitARN splits s into an ARN's fields; param is the $ResourceParam
// parameter and want what the property takes, both for the message when s
// is not an ARN.
func splitARN(s, param, want string) (localARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return localARN{}, fmt.Errorf("is not an ARN; write $ResourceParam('name', '%s') or %s", param, want)
	}
	return localARN{parts[1], parts[2], parts[3], parts[4], parts[5]}, nil
}

// local checks that the ARN is of Verge's one local account; param is the
// $ResourceParam parameter that gives such an ARN.
func (a localARN) local(param string) error {
	switch {
	case a.partition != "aws":
		return fmt.Errorf("is in partition %q; Verge's is aws", a.partition)
	case a.region != arnRegion || a.account != arnAccount:
		return fmt.Errorf("names region %q and account %q; Verge is one local account: region %s, account %s (or write $ResourceParam('name', '%s'))", a.region, a.account, arnRegion, arnAccount, param)
	}
	return nil
}

// parseARN reads the ARN of a function, an event bus, a queue or a topic
// of Verge's one local account, returning its kind and name; want says
// what the property takes, for messages.
func parseARN(s, want string) (DestinationKind, string, error) {
	a, err := splitARN(s, "arn", want)
	if err != nil {
		return "", "", err
	}
	kind, name, err := destinationOf(a, want)
	if err != nil {
		return "", "", err
	}
	if err := a.local("arn"); err != nil {
		return "", "", err
	}
	return kind, name, nil
}

// destinationOf reads the kind and name of the resource an ARN names.
func destinationOf(a localARN, want string) (DestinationKind, string, error) {
	resource := a.resource
	switch a.service {
	case "lambda":
		rest, ok := strings.CutPrefix(resource, "function:")
		if !ok || rest == "" {
			return "", "", errors.New("is a Lambda ARN but not a function's (…:function:NAME)")
		}
		if n, qualifier, ok := strings.Cut(rest, ":"); ok {
			return "", "", fmt.Errorf("names version or alias %q of function %q; Verge runs one version of each function: drop the qualifier", qualifier, n)
		}
		return DestinationFunction, rest, nil
	case "events":
		rest, ok := strings.CutPrefix(resource, "event-bus/")
		if !ok || rest == "" {
			return "", "", errors.New("is an EventBridge ARN but not an event bus's (…:event-bus/NAME)")
		}
		return DestinationEventBus, rest, nil
	case "sqs":
		if resource == "" || strings.ContainsAny(resource, ":/") {
			return "", "", errors.New("is an SQS ARN but not a queue's (…:NAME)")
		}
		return DestinationQueue, resource, nil
	case "sns":
		if topic, _, ok := strings.Cut(resource, ":"); ok {
			return "", "", fmt.Errorf("is a subscription's ARN; name topic %q (…:%s)", topic, topic)
		}
		if resource == "" || strings.Contains(resource, "/") {
			return "", "", errors.New("is an SNS ARN but not a topic's (…:NAME)")
		}
		return DestinationTopic, resource, nil
	}
	return "", "", fmt.Errorf("is an ARN of service %q; it takes %s", a.service, want)
}
