package gateway

import (
	"net/http"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/stack"
	"github.com/verge-edge/verge/internal/triggers/alb"
)

// balancer is one application-load-balancer.
type balancer struct {
	name   string
	router *alb.Router
	opts   Options
	// targets are the rules' target groups, by rule priority.
	targets map[int]alb.Target
}

func newBalancer(lb *stack.LoadBalancer, o Options) (*balancer, error) {
	b := &balancer{name: lb.Name, opts: o, targets: map[int]alb.Target{}}
	rules := make([]alb.Rule, len(lb.Rules))
	for i := range lb.Rules {
		pr := &lb.Rules[i]
		rules[i] = alb.Rule{Priority: pr.Priority, Paths: pr.Paths, Methods: pr.Methods, Hosts: pr.Hosts,
			SourceIPs: pr.SourceIPs, Target: pr.Function}
		for _, h := range pr.Headers {
			rules[i].Headers = append(rules[i].Headers, alb.HeaderCondition{HeaderName: h.Name, Values: h.Values})
		}
		for _, q := range pr.QueryParams {
			rules[i].QueryParams = append(rules[i].QueryParams, alb.QueryParamCondition{ParamName: q.Name, Values: q.Values})
		}
		b.targets[pr.Priority] = alb.Target{ARN: targetGroupARN(lb.Name, pr.Function), MultiValueHeaders: pr.MultiValueHeaders}
	}
	router, err := alb.NewRouter(rules)
	if err != nil {
		return nil, err
	}
	b.router = router
	return b, nil
}

// targetGroupARN names the target group of a balancer's function.
func targetGroupARN(balancer, function string) string {
	return "arn:aws:elasticloadbalancing:" + functions.Region + ":" + functions.Account + ":targetgroup/" + balancer + "-" + function + "/0123456789abcdef"
}

func (b *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rule, ok := b.router.Match(r)
	if !ok {
		alb.WriteError(w, alb.DefaultStatus)
		return
	}
	t := b.targets[rule.Priority]
	event, err := alb.NewEvent(r, t)
	if err != nil {
		alb.WriteError(w, alb.StatusOf(err))
		return
	}
	o := invoke(r.Context(), b.opts.Functions, &functions.Request{Function: rule.Target, Payload: event}, 0)
	switch {
	case errs.Is(errs.Throttled, o.err):
		alb.WriteError(w, http.StatusServiceUnavailable)
		return
	case o.err != nil:
		b.opts.Logger.Warn("invocation failed", "loadBalancer", b.name, "function", rule.Target, "err", o.err)
		alb.WriteError(w, alb.StatusBadGateway)
		return
	case o.resp.FunctionError != "":
		b.opts.Logger.Warn("function error", "loadBalancer", b.name, "function", rule.Target, "type", o.resp.ErrorType)
		alb.WriteError(w, alb.StatusBadGateway)
		return
	}
	resp, err := alb.ParseResponse(o.resp.Payload, t)
	if err != nil {
		b.opts.Logger.Warn("malformed function response", "loadBalancer", b.name, "function", rule.Target, "err", err)
		alb.WriteError(w, alb.StatusOf(err))
		return
	}
	resp.Write(w)
}
