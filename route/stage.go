// Named stages in request paths: the path a route is matched against.

package route

import "strings"

// PathWithoutStage returns a request path without a named stage's prefix:
// the path API Gateway matches routes against. On stage "dev",
// "/dev/pets/1" is "/pets/1" and "/dev" is "/"; a path whose first segment
// merely starts with the stage's name ("/devices") keeps it. The $default
// stage (or "") adds no prefix, so its paths are returned as they are
// (docs/api-gateway-behavior.md R-STG-1, R-STG-2).
func PathWithoutStage(path, stage string) string {
	if stage == "" || stage == "$default" {
		return path
	}
	if rest, ok := strings.CutPrefix(path, "/"+stage); ok && (rest == "" || rest[0] == '/') {
		if rest == "" {
			return "/"
		}
		return rest
	}
	return path
}
