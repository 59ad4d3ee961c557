package stack

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/logs"
)

// maxLogSubscriptions is how many subscription filters a log group takes.
const maxLogSubscriptions = 2

// functionLogGroupPrefix starts a function's log group name.
const functionLogGroupPrefix = "/aws/lambda/"

// logSubState is a cloudwatch-log event being resolved, with where it was
// written.
type logSubState struct {
	s  LogSubscription
	at pos
}

// logSubscription checks function fn's cloudwatch-log event i and adds
// its subscription.
func (r *resolver) logSubscription(fn string, i int, p *CloudwatchLogEventProps) {
	s := LogSubscription{Function: fn, Index: i, Name: fn + "-" + EventCloudwatchLog + "-" + strconv.Itoa(i)}
	valid := true
	at, ok := r.d.pos(&p.LogGroupArn)
	if ok {
		v, expanded := r.expand(&p.LogGroupArn)
		if expanded {
			group, err := parseLogGroupARN(v)
			if err != nil {
				r.d.errorf(at, "logGroupArn %q %v", v, err)
			}
			s.Group, valid = group, err == nil
		} else {
			valid = false
		}
	} else {
		valid = false
	}
	if fat, ok := r.d.pos(p.Filter); ok {
		if _, err := logs.ParseFilter(*p.Filter); err != nil {
			r.d.errorf(fat, "filter: %s", patternProblem(err))
			valid = false
		}
		s.Filter = *p.Filter
	}
	if valid {
		r.logSubs = append(r.logSubs, logSubState{s: s, at: at})
	}
}

// patternProblem says what is wrong with a filter pattern and where in
// it, with the words CloudWatch Logs would answer.
func patternProblem(err error) string {
	pe, ok := logs.AsPatternError(err)
	if !ok {
		return strings.TrimPrefix(err.Error(), "logs.ParseFilter: ")
	}
	return fmt.Sprintf("%s at character %d of the pattern (CloudWatch Logs: %q)", pe.Reason, pe.Offset+1, pe.Error())
}

// parseLogGroupARN reads a log group's ARN of Verge's one account and
// region (a trailing ":*" allowed) and returns the group's name.
func parseLogGroupARN(a string) (string, error) {
	prefix := arn.LogGroupBare("")
	name, ok := strings.CutPrefix(a, prefix)
	if !ok {
		return "", fmt.Errorf("is not a log group's ARN: it takes %sNAME (a function's: $ResourceParam('FUNCTION', 'logGroupArn'))", prefix)
	}
	name = strings.TrimSuffix(name, ":*")
	if name == "" || strings.Contains(name, ":") {
		return "", fmt.Errorf("does not name a log group: it takes %sNAME", prefix)
	}
	return name, nil
}

// finishLogSubs checks AWS's limit per log group and refuses loops, then
// returns the subscriptions sorted by function, then index.
func (r *resolver) finishLogSubs() []LogSubscription {
	slices.SortFunc(r.logSubs, func(a, b logSubState) int { return cmpEvent(a.s.Function, b.s.Function, a.s.Index, b.s.Index) })
	byGroup := map[string][]logSubState{}
	var out []LogSubscription
	for _, x := range r.logSubs {
		prev := byGroup[x.s.Group]
		if len(prev) >= maxLogSubscriptions {
			r.d.errorf(x.at, "log group %q already has %d subscription filters, function %q's cloudwatch-log event (line %d) and function %q's (line %d): a log group takes at most %d",
				x.s.Group, len(prev), prev[0].s.Function, prev[0].at.line, prev[1].s.Function, prev[1].at.line, maxLogSubscriptions)
			continue
		}
		byGroup[x.s.Group] = append(prev, x)
		out = append(out, x.s)
	}
	for _, l := range logLoops(byGroup) {
		r.d.errorf(l.at, "cloudwatch-log events may not form a loop, where a function's log lines would invoke it again and again: %s", l.text)
	}
	return out
}

// loop is a loop of subscriptions as text, with where its first event
// was written.
type loop struct {
	text string
	at   pos
}

// logLoops finds the loops of subscriptions through function log groups:
// one for each subscription that closes one.
func logLoops(byGroup map[string][]logSubState) []loop {
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	type step struct {
		group string
		via   logSubState
	}
	var path []step
	var out []loop
	var visit func(g string)
	visit = func(g string) {
		state[g] = onPath
		for _, x := range byGroup[g] {
			next := functionLogGroupPrefix + x.s.Function
			path = append(path, step{g, x})
			switch state[next] {
			case onPath:
				start := slices.IndexFunc(path, func(s step) bool { return s.group == next })
				var b strings.Builder
				for _, s := range path[start:] {
					fmt.Fprintf(&b, "%s → function %s (line %d) → ", s.group, s.via.s.Function, s.via.at.line)
				}
				b.WriteString(next)
				out = append(out, loop{b.String(), path[start].via.at})
			case unseen:
				visit(next)
			}
			path = path[:len(path)-1]
		}
		state[g] = done
	}
	groups := make([]string, 0, len(byGroup))
	for g := range byGroup {
		groups = append(groups, g)
	}
	slices.Sort(groups)
	for _, g := range groups {
		if state[g] == unseen {
			visit(g)
		}
	}
	return out
}
