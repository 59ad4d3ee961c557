package stack

import (
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/runtimes"
)

// function resolves a function resource: packaging, runtime, limits,
// environment and logging, reporting what is wrong with them.
func (r *resolver) function(name string, p *FunctionProps) *Function {
	f := &Function{
		Name:           name,
		MemoryMB:       r.intIn(p.Memory, "memory", minFunctionMemory, maxFunctionMemory, defaultFunctionMemory, "MB"),
		TimeoutSeconds: r.intIn(p.Timeout, "timeout", 1, maxFunctionTimeout, defaultFunctionTimeout, "seconds"),
		Environment:    r.environment(p),
		Logging:        r.logging(p.Logging),
	}
	var family runtimes.Family
	f.Package, family = r.packaging(p.Packaging)
	f.Runtime = r.runtime(p.Runtime, p.Packaging, family)
	f.ReservedConcurrency, f.ProvisionedConcurrency = r.concurrency(p)
	r.qs.eventCount[name] = len(p.Events)
	r.events(name, f.TimeoutSeconds, p.Events)
	f.Async = r.async(p)
	f.Policy = r.access(p)
	return f
}

// packaging resolves a function's packaging and checks its files. family
// is the runtime family the buildpack's entry file implies, or "".
func (r *resolver) packaging(pk *Packaging) (pkg Package, family runtimes.Family) {
	if pk == nil {
		return Package{}, ""
	}
	switch p := pk.Properties.(type) {
	case *BuildpackProps:
		pkg = Package{Type: PackagingBuildpack, EntryFile: r.abs(filepath.FromSlash(p.EntryfilePath)), HandlerFunction: p.HandlerFunction}
		// The extension is checked once the file is found, so that one
		// mistake is one problem.
		if _, found := r.path(&p.EntryfilePath, "entryfilePath", false); found {
			at, _ := r.d.pos(&p.EntryfilePath)
			var err error
			if family, err = runtimes.DetectFamily(p.EntryfilePath); err != nil {
				r.d.errorf(at, "entryfilePath %q: the buildpack builds .js, .mjs, .cjs, .ts, .mts, .cts (Node.js), .py (Python) and .go (Go) entry files", p.EntryfilePath)
			}
		}
		if at, ok := r.d.pos(&p.HandlerFunction); ok {
			switch {
			case !identifier.MatchString(p.HandlerFunction):
				r.d.errorf(at, "handlerFunction %q must be the name of a function the entry file exports", p.HandlerFunction)
			case family == runtimes.Provided:
				r.d.warnf(at, "handlerFunction is ignored for a Go entry file: its main function starts the handler")
			}
		}
	case *ArtifactProps:
		pkg = Package{Type: PackagingArtifact, PackagePath: r.abs(filepath.FromSlash(p.PackagePath)), Handler: p.Handler}
		r.artifactPath(&p.PackagePath)
		if at, ok := r.d.pos(&p.Handler); ok {
			if msg := checkHandler(p.Handler); msg != "" {
				r.d.errorf(at, "handler %q %s", p.Handler, msg)
			}
		}
	}
	return pkg, family
}

// identifier is what a handlerFunction may be: a JavaScript or Python name.
var identifier = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// artifactPath checks a custom-artifact's packagePath: a folder or a .zip.
func (r *resolver) artifactPath(p *string) {
	at, ok := r.d.pos(p)
	if !ok || *p == "" {
		r.path(p, "packagePath", false) // reports the empty path
		return
	}
	fi, err := os.Stat(r.abs(filepath.FromSlash(*p)))
	switch {
	case err != nil:
		r.path(p, "packagePath", true) // reports why it cannot be used
	case !fi.IsDir() && !(fi.Mode().IsRegular() && strings.EqualFold(filepath.Ext(*p), ".zip")):
		r.d.errorf(at, "packagePath %q must be a folder or a .zip file", *p)
	}
}

// runtime checks a function's runtime *rt against the Lambda identifiers
// and the family its packaging's entry file implies; "" when the stack
// names none.
func (r *resolver) runtime(rt *string, pk *Packaging, family runtimes.Family) string {
	at, ok := r.d.pos(rt)
	if !ok {
		if pk != nil && pk.Type == PackagingArtifact {
			if tat, ok := r.d.pos(&pk.Type); ok {
				r.d.errorf(tat, "a custom-artifact needs runtime: Verge cannot tell the language of a prebuilt package (runtimes: %s)", strings.Join(lambdaRuntimes, ", "))
			}
		}
		return ""
	}
	if !slices.Contains(lambdaRuntimes, *rt) {
		r.d.errorf(at, "runtime %q is not supported (%ssupported: %s)", *rt, didYouMean(*rt, lambdaRuntimes), strings.Join(lambdaRuntimes, ", "))
		return ""
	}
	if got, err := runtimes.FamilyOf(*rt); err == nil && family != "" && got != family {
		bp := pk.Properties.(*BuildpackProps)
		eat, _ := r.d.pos(&bp.EntryfilePath)
		r.d.errorf(at, "runtime %q cannot run entryfilePath %q (line %d): a %s file needs %s", *rt, bp.EntryfilePath, eat.line, filepath.Ext(bp.EntryfilePath), familyRuntimes[family])
	}
	return *rt
}

// familyRuntimes says which runtimes run a family, for messages.
var familyRuntimes = map[runtimes.Family]string{
	runtimes.Node:     "a nodejs runtime",
	runtimes.Python:   "a python3 runtime",
	runtimes.Provided: "provided.al2 or provided.al2023",
}

// environment resolves a function's variables, in stack order.
func (r *resolver) environment(p *FunctionProps) []EnvVar {
	var vars []EnvVar
	seen := map[string]pos{}
	size := 0
	for i := range p.Environment {
		ev := &p.Environment[i]
		nameAt, nameOK := r.d.pos(&ev.Name)
		value, valueOK := r.expand(&ev.Value)
		if nameOK {
			first, dup := seen[ev.Name]
			switch msg := checkEnvName(ev.Name); {
			case msg != "":
				r.d.errorf(nameAt, "environment variable %q %s", ev.Name, msg)
				nameOK = false
			case dup:
				r.d.errorf(nameAt, "environment variable %q is set twice (first at line %d)", ev.Name, first.line)
				nameOK = false
			default:
				seen[ev.Name] = nameAt
			}
		}
		if valueOK && strings.ContainsRune(value, 0) {
			vat, _ := r.d.pos(&ev.Value)
			r.d.errorf(vat, "the value of environment variable %q holds a NUL character, which an environment cannot carry", ev.Name)
			valueOK = false
		}
		if nameOK && valueOK {
			vars = append(vars, EnvVar{Name: ev.Name, Value: value})
			size += len(ev.Name) + len(value)
		}
	}
	if at, ok := r.d.key(&p.Environment); ok && size > maxEnvironmentBytes {
		r.d.errorf(at, "environment variables take %d bytes, names and values together; Lambda allows %d", size, maxEnvironmentBytes)
	}
	return vars
}

// envName is Lambda's pattern for environment variable names.
var envName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]+$`)

// checkEnvName returns what is wrong with an environment variable's name,
// or "".
func checkEnvName(name string) string {
	switch {
	case slices.Contains(reservedEnv, name):
		return "is reserved: Lambda sets it"
	case strings.HasPrefix(name, reservedEnvPrefix):
		return fmt.Sprintf("is reserved: Lambda sets the variables starting with %s", reservedEnvPrefix)
	case !envName.MatchString(name):
		return "is not a valid name: a letter, then letters, digits and underscores, at least two characters in all"
	}
	return ""
}

// checkHandler returns what is wrong with a custom-artifact's handler, or
// "". Lambda's rule is no spaces, at most 128 characters; Node.js and
// Python read "file.function", which the runtime checks when it starts.
func checkHandler(h string) string {
	switch {
	case h == "":
		return "must not be empty"
	case len(h) > 128:
		return "is longer than 128 characters"
	case strings.ContainsFunc(h, func(c rune) bool { return c == ' ' || c == '\t' || isControl(c) }):
		return "must not hold spaces"
	}
	return ""
}

// logging resolves a function's logging settings.
func (r *resolver) logging(l *FunctionLogging) Logging {
	lg := Logging{RetentionDays: defaultRetentionDays}
	if l == nil {
		return lg
	}
	lg.Disabled = l.Disabled
	if at, ok := r.d.pos(l.RetentionDays); ok {
		if !slices.Contains(retentionDays, *l.RetentionDays) {
			r.d.errorf(at, "retentionDays must be one of CloudWatch's periods (%s), found %d", intList(retentionDays), *l.RetentionDays)
		} else {
			lg.RetentionDays = *l.RetentionDays
		}
	}
	return lg
}

// concurrency resolves reserved (nil when absent) and provisioned
// concurrency, which may not exceed the reserved.
func (r *resolver) concurrency(p *FunctionProps) (reserved *int, provisioned int) {
	if at, ok := r.d.pos(p.ReservedConcurrency); ok {
		if n := *p.ReservedConcurrency; n < 0 || n > maxConcurrency {
			r.d.errorf(at, "reservedConcurrency must be between 0 and %d, found %d", maxConcurrency, n)
		} else {
			reserved = &n
		}
	}
	at, ok := r.d.pos(p.ProvisionedConcurrency)
	if !ok {
		return reserved, 0
	}
	n := *p.ProvisionedConcurrency
	switch rat, _ := r.d.pos(p.ReservedConcurrency); {
	case n < 0 || n > maxConcurrency:
		r.d.errorf(at, "provisionedConcurrency must be between 0 and %d, found %d", maxConcurrency, n)
		return reserved, 0
	case reserved != nil && n > *reserved:
		r.d.errorf(at, "provisionedConcurrency %d is more than reservedConcurrency %d (line %d): the kept-warm sandboxes must fit in the reserved ones", n, *reserved, rat.line)
		return reserved, 0
	}
	return reserved, n
}

// expand resolves the directives of a decoded Template, reporting at its
// position any that cannot be. Messages never hold secret values.
func (r *resolver) expand(t *Template) (string, bool) {
	at, ok := r.d.pos(t)
	if !ok {
		return "", false
	}
	segs, err := parseTemplate(string(*t))
	if err != nil {
		return "", false // reported when decoded
	}
	var b strings.Builder
	for _, seg := range segs {
		v, found := seg.text, true
		switch seg.name {
		case directiveSecret:
			v, found = r.secret(at, seg.directive, seg.args[0])
		case directiveResourceParam:
			v, found = r.resourceParam(at, seg.directive, seg.args[0], seg.args[1])
		case directiveCfResourceParam:
			v, found = r.cfParam(at, seg.directive, seg.args[0], seg.args[1])
		}
		ok = ok && found
		b.WriteString(v)
	}
	return b.String(), ok
}

// resourceParam returns a parameter of the resource called name, reporting
// at at a resource or parameter that does not exist; dir is the directive
// as written.
func (r *resolver) resourceParam(at pos, dir, name, param string) (string, bool) {
	res := r.byName[name]
	if res == nil {
		r.d.errorf(at, "%s: no resource named %q (%sresources: %s)", dir, name, didYouMean(name, r.names), strings.Join(r.names, ", "))
		return "", false
	}
	params := r.params(res)
	if params == nil {
		r.d.errorf(at, "%s: %q is %s, which has no parameters $ResourceParam can read (a bucket, cdn-function, dynamo-db-table, edge-lambda-function, event-bus, function, http-api-gateway, application-load-balancer, key-value-store, kinesis-stream, sns-topic or sqs-queue has)", dir, name, article(res.Type))
		return "", false
	}
	v, ok := params[param]
	if !ok && param == "url" && (res.Type == TypeHTTPAPIGateway || res.Type == TypeLoadBalancer) {
		r.d.errorf(at, "%s: %s %q has no fixed url: it answers on %s.localhost at the port of verge's --listen; give it its own listen address", dir, res.Type, name, name)
		return "", false
	}
	if !ok && param == "streamArn" && res.Type == TypeDynamoDBTable {
		r.noStream(at, dir+": ", r.ts.stackTables[name])
		return "", false
	}
	if !ok && param == "directory" && res.Type == TypeBucket {
		r.d.errorf(at, "%s: bucket %q has no directory: it lives in Verge's data folder; give it a directory, or reach it through S3 by name", dir, name)
		return "", false
	}
	if !ok {
		names := slices.Sorted(maps.Keys(params))
		r.d.errorf(at, "%s: %s %q has no parameter %q (%sparameters: %s)", dir, res.Type, name, param, didYouMean(param, names), strings.Join(names, ", "))
		return "", false
	}
	// A bucket whose directory is wrong has no directory parameter; that
	// is reported at the directory.
	return v, v != ""
}

// params returns the parameters $ResourceParam reads of res, or nil for a
// type that has none.
func (r *resolver) params(res *Resource) map[string]string {
	switch res.Type {
	case TypeBucket:
		m := map[string]string{"name": res.Name, "arn": bucketARNPrefix + res.Name}
		if r.hasDirectory(res.Name) {
			m["directory"] = r.bucketDirs[res.Name]
		}
		return m
	case TypeFunction:
		return map[string]string{"name": res.Name, "arn": functionARNPrefix + res.Name,
			"logGroupArn": arn.LogGroupBare(functionLogGroupPrefix + res.Name)}
	case TypeKeyValueStore:
		return map[string]string{"name": res.Name}
	case TypeEventBus:
		return map[string]string{"name": res.Name, "arn": eventBusARNPrefix + res.Name}
	case TypeEdgeLambdaFunction:
		return map[string]string{"name": res.Name, "arn": functionARNPrefix + res.Name}
	case TypeCDNFunction:
		return map[string]string{"name": res.Name, "arn": cdnFunctionARNPrefix + res.Name}
	case TypeSQSQueue:
		if info := r.qs.stackQueues[res.Name]; info != nil {
			return map[string]string{"name": info.q.Name, "arn": arn.Queue(info.q.Name), "url": queueURL(r.opts.Endpoint, info.q.Name)}
		}
	case TypeSNSTopic:
		if info := r.qs.stackTopics[res.Name]; info != nil {
			return map[string]string{"name": info.t.Name, "arn": arn.Topic(info.t.Name)}
		}
	case TypeKinesisStream:
		if info := r.ss.stackStreams[res.Name]; info != nil {
			return map[string]string{"name": info.s.Name, "arn": arn.Stream(info.s.Name)}
		}
	case TypeDynamoDBTable:
		if info := r.ts.stackTables[res.Name]; info != nil {
			return tableParams(info.t)
		}
	case TypeHTTPAPIGateway, TypeLoadBalancer:
		m := map[string]string{"name": res.Name}
		if listen := frontDoorListen(res); listen != "" {
			m["url"] = "http://" + dialable(listen)
		}
		return m
	}
	return nil
}

// frontDoorListen is a front door's own listen address, "" for none.
func frontDoorListen(res *Resource) string {
	switch p := res.Properties.(type) {
	case *HTTPAPIGatewayProps:
		return p.Listen
	case *LoadBalancerProps:
		return p.Listen
	}
	return ""
}

// dialable turns a listen address into one a client can dial: an
// unspecified host is the loopback.
func dialable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
