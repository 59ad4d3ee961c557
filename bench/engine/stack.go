package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The stack has 50 resources: 12 buckets behind CDNs, each with a
// cdn-function and a route to an HTTP origin; 12 cdn-functions; 10 node
// functions, each behind a gateway route and a load balancer rule, on a
// schedule and on an event-bus rule; 6 http-api-gateways; 5 load balancers;
// 5 event buses.
const (
	buckets   = 12
	functions = 10
	gateways  = 6
	balancers = 5
	buses     = 5
)

func writeStack(dir string) error {
	var y strings.Builder
	files := map[string]string{}
	y.WriteString("resources:\n")
	for i := range buckets {
		fmt.Fprintf(&y, `  site%d:
    type: bucket
    properties:
      directory: ./public%d
      cdn:
        enabled: true
        edgeFunctions: {onResponse: headers%d}
        routeRewrites:
          - path: /api/*
            routeTo: {type: custom-origin, properties: {url: http://127.0.0.1:9}}
            cachingOptions: {defaultTTL: 0}
  headers%d:
    type: cdn-function
    properties: {entryfilePath: edge/headers%d.js}
`, i, i, i, i, i)
		files[fmt.Sprintf("public%d/1k.bin", i)] = strings.Repeat("x", 1024)
		files[fmt.Sprintf("edge/headers%d.js", i)] = fmt.Sprintf(`function handler(event) {
  var r = event.response;
  r.headers['x-site'] = {value: '%d'};
  return r;
}
`, i)
	}
	for i := range functions {
		fmt.Fprintf(&y, `  fn%d:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/fn%d.js}}
      events:
        - type: http-api-gateway
          properties: {httpApiGatewayName: api%d, path: /fn%d, method: GET}
        - type: application-load-balancer
          properties: {loadBalancerName: lb%d, priority: %d, paths: [/fn%d]}
        - type: schedule
          properties: {scheduleRate: rate(1 day)}
        - type: event-bus
          properties:
            eventBusName: bus%d
            eventPattern: {source: [app%d], detail: {n: [{numeric: ['>', %d]}]}}
`, i, i, i%gateways, i, i%balancers, i+1, i, i%buses, i, i)
		files[fmt.Sprintf("fn/fn%d.js", i)] = fmt.Sprintf("exports.handler = async () => ({statusCode: 200, body: 'fn%d'});\n", i)
	}
	for i := range gateways {
		fmt.Fprintf(&y, "  api%d:\n    type: http-api-gateway\n", i)
	}
	for i := range balancers {
		fmt.Fprintf(&y, "  lb%d:\n    type: application-load-balancer\n", i)
	}
	for i := range buses {
		fmt.Fprintf(&y, "  bus%d:\n    type: event-bus\n", i)
	}
	files["verge.yaml"] = y.String()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}
