package stack

import (
	"encoding/json"
	"slices"
	"strings"
)

// eventBuses lists the stack's event-bus resources, sorted by name.
func (r *resolver) eventBuses(s *Stack) []EventBus {
	var buses []EventBus
	for _, res := range s.Resources {
		if _, ok := res.Properties.(*EventBusProps); !ok {
			continue
		}
		if strings.EqualFold(res.Name, DefaultEventBus) {
			at, _ := r.d.pos(res)
			r.d.errorf(at, "an event-bus cannot be called %q: that is the default bus, which always exists (subscribe to it with useDefaultBus: true)", res.Name)
			continue
		}
		buses = append(buses, EventBus{Name: res.Name})
	}
	slices.SortFunc(buses, func(a, b EventBus) int { return strings.Compare(a.Name, b.Name) })
	return buses
}

// finishEvents returns the schedules and bus rules the functions' events
// added, sorted by function, then index.
func (r *resolver) finishEvents() ([]Schedule, []BusRule) {
	slices.SortFunc(r.schedules, func(a, b Schedule) int { return cmpEvent(a.Function, b.Function, a.Index, b.Index) })
	slices.SortFunc(r.busRules, func(a, b BusRule) int { return cmpEvent(a.Function, b.Function, a.Index, b.Index) })
	return r.schedules, r.busRules
}

func cmpEvent(fa, fb string, ia, ib int) int {
	if c := strings.Compare(fa, fb); c != 0 {
		return c
	}
	return ia - ib
}

// schedule checks function fn's schedule event i and adds it.
func (r *resolver) schedule(fn string, i int, p *ScheduleEventProps) {
	exprAt, exprOK := r.d.pos(&p.ScheduleRate)
	in, inputAt, inputOK := r.targetInput(&p.Input, &p.InputPath, &p.InputTransformer)
	valid := exprOK && inputOK
	fields := map[string]pos{"scheduleRate": exprAt}
	expr := ""
	if exprOK {
		expr = p.ScheduleRate
	}
	r.checkExpressions(expr, nil, in, fields, inputAt, &valid)
	if valid {
		r.schedules = append(r.schedules, Schedule{Function: fn, Index: i, Expression: p.ScheduleRate, Input: in})
	}
}

// busRule checks function fn's event-bus event i and adds its rule.
func (r *resolver) busRule(fn string, i int, p *EventBusEventProps) {
	bus, busOK := r.bus(p)
	patternAt, patternOK := r.d.pos(&p.EventPattern)
	in, inputAt, inputOK := r.targetInput(&p.Input, &p.InputPath, &p.InputTransformer)
	valid := busOK && patternOK && inputOK
	var pattern []byte
	if patternOK {
		pattern = p.EventPattern
	}
	r.checkExpressions("", pattern, in, map[string]pos{"eventPattern": patternAt}, inputAt, &valid)
	if valid {
		r.busRules = append(r.busRules, BusRule{Function: fn, Index: i, Bus: bus, Pattern: json.RawMessage(p.EventPattern), Input: in})
	}
}

// checkExpressions runs checkExpressions, reporting each problem at the
// value it is in: fields and inputAt map field names to positions. It
// clears *valid when there is a problem.
func (r *resolver) checkExpressions(schedule string, pattern []byte, in TargetInput, fields, inputAt map[string]pos, valid *bool) {
	checkExpressions(schedule, pattern, in, func(field string, err error) {
		*valid = false
		at, ok := fields[field]
		if !ok {
			at, ok = inputAt[field]
		}
		if !ok {
			return // the value did not decode, which is reported
		}
		prop, _, _ := strings.Cut(field, ".")
		r.d.errorf(at, "%s %v", prop, err)
	})
}

// bus resolves which bus an event-bus event subscribes to: exactly one
// of eventBusName, eventBusArn and useDefaultBus: true.
func (r *resolver) bus(p *EventBusEventProps) (string, bool) {
	type choice struct {
		key string
		at  pos
	}
	var chosen []choice
	if at, ok := r.d.key(&p.EventBusName); ok {
		chosen = append(chosen, choice{"eventBusName", at})
	}
	if at, ok := r.d.key(&p.EventBusArn); ok {
		chosen = append(chosen, choice{"eventBusArn", at})
	}
	if at, ok := r.d.key(&p.UseDefaultBus); ok && p.UseDefaultBus {
		chosen = append(chosen, choice{"useDefaultBus", at})
	}
	switch len(chosen) {
	case 0:
		at, _ := r.d.pos(p)
		r.d.errorf(at, "an event-bus event needs one of eventBusName, eventBusArn and useDefaultBus: true")
		return "", false
	case 1:
	default:
		slices.SortFunc(chosen, func(a, b choice) int { return cmpPos(a.at, b.at) })
		for _, c := range chosen[1:] {
			r.d.errorf(c.at, "%s cannot be used with %s (line %d): an event-bus event subscribes to one bus", c.key, chosen[0].key, chosen[0].at.line)
		}
		return "", false
	}
	switch chosen[0].key {
	case "eventBusName":
		at, ok := r.d.pos(&p.EventBusName)
		if !ok {
			return "", false
		}
		if p.EventBusName == DefaultEventBus && r.byName[DefaultEventBus] == nil {
			r.d.errorf(at, "eventBusName: the default bus is not a resource; subscribe to it with useDefaultBus: true")
			return "", false
		}
		return p.EventBusName, r.ref(at, "eventBusName", p.EventBusName, TypeEventBus) != nil
	case "eventBusArn":
		d := r.arnRef(&p.EventBusArn, "eventBusArn")
		if d == nil {
			return "", false
		}
		if d.Kind != DestinationEventBus {
			at, _ := r.d.pos(&p.EventBusArn)
			r.d.errorf(at, "eventBusArn names %s %q; it takes an event bus's ARN (%sNAME)", kindNoun[d.Kind], d.Name, eventBusARNPrefix)
			return "", false
		}
		return d.Name, true
	}
	return DefaultEventBus, true
}

func cmpPos(a, b pos) int {
	if a.line != b.line {
		return a.line - b.line
	}
	return a.col - b.col
}

// targetInput resolves the input, inputPath and inputTransformer of an
// event, at most one of them. It returns the positions of the values for
// messages, keyed as checkExpressions names them.
func (r *resolver) targetInput(input *JSON, path *string, trField **InputTransformer) (TargetInput, map[string]pos, bool) {
	var in TargetInput
	where := map[string]pos{}
	valid := r.onlyOne(input, path, trField)
	tr := *trField
	if at, ok := r.d.pos(input); ok {
		in.Input, where["input"] = json.RawMessage(*input), at
	}
	if at, ok := r.d.pos(path); ok {
		in.InputPath, where["inputPath"] = *path, at
		if *path == "" {
			r.d.errorf(at, "inputPath must not be empty")
			valid = false
		}
	}
	if _, ok := r.d.pos(tr); ok {
		t := &Transformer{Template: tr.InputTemplate}
		if tat, ok := r.d.pos(&tr.InputTemplate); ok {
			where["inputTemplate"] = tat
		} else {
			valid = false
		}
		for i, ip := range tr.InputPathsMap {
			if t.PathsMap == nil {
				t.PathsMap = map[string]string{}
			}
			t.PathsMap[ip.Name] = ip.Path
			where["inputPathsMap."+ip.Name], _ = r.d.pos(&tr.InputPathsMap[i].Path)
		}
		if mat, ok := r.d.pos(&tr.InputPathsMap); ok {
			where["inputPathsMap"] = mat
		}
		in.Transformer = t
	}
	return in, where, valid
}

// onlyOne reports, at the later keys, an event with more than one of
// input, inputPath and inputTransformer.
func (r *resolver) onlyOne(input *JSON, path *string, tr **InputTransformer) bool {
	type written struct {
		key string
		at  pos
	}
	var keys []written
	for _, k := range []struct {
		key string
		ptr any
	}{{"input", input}, {"inputPath", path}, {"inputTransformer", tr}} {
		if at, ok := r.d.key(k.ptr); ok {
			keys = append(keys, written{k.key, at})
		}
	}
	if len(keys) < 2 {
		return true
	}
	slices.SortFunc(keys, func(a, b written) int { return cmpPos(a.at, b.at) })
	for _, k := range keys[1:] {
		r.d.errorf(k.at, "%s cannot be used with %s (line %d): a target receives one of input, inputPath and inputTransformer", k.key, keys[0].key, keys[0].at.line)
	}
	return false
}

// async resolves a function's asynchronous invocation settings and
// destinations.
func (r *resolver) async(p *FunctionProps) Async {
	a := Async{MaxRetryAttempts: defaultRetryAttempts, MaxEventAgeSeconds: maxEventAgeSeconds}
	if ai := p.AsyncInvocation; ai != nil {
		a.MaxRetryAttempts = r.intIn(ai.MaximumRetryAttempts, "maximumRetryAttempts", 0, maxRetryAttempts, defaultRetryAttempts, "retries")
		a.MaxEventAgeSeconds = r.intIn(ai.MaximumEventAge, "maximumEventAge", minEventAgeSeconds, maxEventAgeSeconds, maxEventAgeSeconds, "seconds")
	}
	if ds := p.Destinations; ds != nil {
		a.OnSuccess = r.arnRef(&ds.OnSuccess, "onSuccess")
		a.OnFailure = r.arnRef(&ds.OnFailure, "onFailure")
	}
	return a
}

// arnRef resolves a Template written under key that names a function, an
// event bus, a queue or a topic of the stack by ARN, or the default bus;
// nil when it is absent or wrong (reported). A queue or topic is named by
// its AWS name.
func (r *resolver) arnRef(t *Template, key string) *Destination {
	at, ok := r.d.pos(t)
	if !ok {
		return nil
	}
	arn, ok := r.expand(t)
	if !ok {
		return nil
	}
	kind, name, err := parseARN(arn, destinationWant)
	if strings.Contains(string(*t), "$"+directiveSecret+"(") {
		// Messages never show a secret's value, not even part of it.
		if err != nil || !r.isDestination(kind, name) {
			r.d.errorf(at, "%s %q does not resolve to the ARN of a function, event bus, queue or topic of this stack (the value is a secret, not shown)", key, string(*t))
			return nil
		}
		return &Destination{Kind: kind, Name: name}
	}
	if err != nil {
		r.d.errorf(at, "%s %q %v", key, arn, err)
		return nil
	}
	switch {
	case kind == DestinationEventBus && name == DefaultEventBus:
		return &Destination{Kind: kind, Name: name}
	case kind == DestinationQueue:
		q := r.queueTarget(t, key)
		if q == nil {
			return nil
		}
		if q.fifo {
			r.d.errorf(at, "%s names FIFO queue %q; Lambda sends invocation records only to standard queues and topics", key, name)
			return nil
		}
		return &Destination{Kind: kind, Name: name}
	case kind == DestinationTopic:
		tp := r.topicTarget(t, key)
		if tp == nil {
			return nil
		}
		if tp.fifo {
			r.d.errorf(at, "%s names FIFO topic %q; Lambda sends invocation records only to standard queues and topics", key, name)
			return nil
		}
		return &Destination{Kind: kind, Name: name}
	}
	if r.ref(at, key, name, destinationTypes[kind]) == nil {
		return nil
	}
	return &Destination{Kind: kind, Name: name}
}

// destinationWant says what a destination may be, for messages.
const destinationWant = "the ARN of a function, event bus, queue or topic of the stack"

// destinationTypes are the resource types of the destination kinds.
var destinationTypes = map[DestinationKind]string{
	DestinationFunction: TypeFunction,
	DestinationEventBus: TypeEventBus,
}

// isDestination reports whether the stack has a resource of kind called
// name that can be a destination (a queue or topic that is not FIFO), or
// name is the default bus.
func (r *resolver) isDestination(kind DestinationKind, name string) bool {
	switch {
	case kind == DestinationEventBus && name == DefaultEventBus:
		return true
	case kind == DestinationQueue:
		return r.qs.queues[name] != nil && !r.qs.queues[name].fifo
	case kind == DestinationTopic:
		return r.qs.topics[name] != nil && !r.qs.topics[name].fifo
	}
	res := r.byName[name]
	return res != nil && res.Type == destinationTypes[kind]
}
