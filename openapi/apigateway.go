package openapi

import (
	"encoding/json"
	"fmt"
	"strings"
)

// APIGatewaySpelling returns doc, a JSON document this package wrote,
// with API Gateway's spelling of greedy path variables, for
// `aws apigatewayv2 import-api` or reimport-api: each parameter marked
// with [GreedyExtension] is renamed "name+", and its path's "{name}"
// becomes "{name+}". Other tools refuse that spelling (a parameter named
// "proxy+" is not a variable of an OpenAPI path template), which is why
// the document does not use it. Members come out in the order of their
// names.
func APIGatewaySpelling(doc []byte) ([]byte, error) {
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("openapi: the document is not JSON: %w", err)
	}
	paths, _ := d["paths"].(map[string]any)
	renamed := map[string]any{}
	for path, item := range paths {
		greedy := map[string]bool{}
		ops, _ := item.(map[string]any)
		for _, op := range ops {
			params, _ := op.(map[string]any)["parameters"].([]any)
			for _, p := range params {
				p, _ := p.(map[string]any)
				if name, _ := p["name"].(string); p["in"] == "path" && p[GreedyExtension] == true && !strings.HasSuffix(name, "+") {
					greedy[name] = true
					p["name"] = name + "+"
				}
			}
		}
		for name := range greedy {
			path = strings.Replace(path, "{"+name+"}", "{"+name+"+}", 1)
		}
		renamed[path] = item
	}
	if paths != nil {
		d["paths"] = renamed
	}
	b, err := json.MarshalIndent(d, "", "  ")
	return append(b, '\n'), err
}
