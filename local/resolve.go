// Template values the emulator can know offline: literals, pseudo
// parameters, and Fn::Join and Fn::Sub of them.

package local

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/httpapi-cdk/httpapi/proxyevent"
)

// DefaultRegion is the region the emulator acts in for a stack whose
// environment names none (an environment-agnostic stack): AWS::Region
// resolves to it, and it is the region of the ARNs the emulator makes up.
const DefaultRegion = "us-east-1"

// resolve returns the value v, a template property, will have once
// deployed, when that can be known without deploying: a string, a pseudo
// parameter (AWS::Region is the stack's region, AWS::AccountId the
// emulator's made-up account), or an Fn::Join or Fn::Sub of those. The
// error says what cannot be known: a Ref to a resource of the template (its
// physical id exists once deployed), a parameter (set at deploy time),
// Fn::GetAtt, Fn::ImportValue, and the like.
func (t *template) resolve(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case map[string]any:
		if len(v) != 1 {
			break
		}
		if name, ok := v["Ref"].(string); ok {
			return t.resolveRef(name)
		}
		if j, ok := v["Fn::Join"].([]any); ok && len(j) == 2 {
			sep, ok1 := j[0].(string)
			parts, ok2 := j[1].([]any)
			if !ok1 || !ok2 {
				break
			}
			out := make([]string, len(parts))
			for i, p := range parts {
				s, err := t.resolve(p)
				if err != nil {
					return "", err
				}
				out[i] = s
			}
			return strings.Join(out, sep), nil
		}
		if s, ok := v["Fn::Sub"].(string); ok {
			return t.resolveSub(s)
		}
	}
	b, _ := json.Marshal(v)
	return "", fmt.Errorf("%s has no value before deployment", b)
}

// resolveRef resolves {"Ref": name}.
func (t *template) resolveRef(name string) (string, error) {
	switch name {
	case "AWS::Region":
		return t.region, nil
	case "AWS::AccountId":
		return proxyevent.AccountID, nil
	case "AWS::Partition":
		return "aws", nil
	case "AWS::URLSuffix":
		return "amazonaws.com", nil
	}
	if r, ok := t.Resources[name]; ok {
		return "", fmt.Errorf("its value is the physical id of %s (%s), which exists only once deployed", name, r.Type)
	}
	if _, ok := t.Parameters[name]; ok {
		return "", fmt.Errorf("its value is parameter %s, set at deploy time", name)
	}
	return "", fmt.Errorf("its value is %s, which has no value before deployment", name)
}

// resolveSub resolves the string form of Fn::Sub: ${Name} is a Ref, ${!x}
// a literal ${x}.
func (t *template) resolveSub(s string) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			b.WriteString(s[i:])
			return b.String(), nil
		}
		name := s[i+2 : i+end]
		s = s[i+end+1:]
		if strings.HasPrefix(name, "!") {
			b.WriteString("${" + name[1:] + "}")
			continue
		}
		if strings.Contains(name, ".") { // ${Resource.Attribute}: Fn::GetAtt
			return "", fmt.Errorf("its value is attribute ${%s}, known once deployed", name)
		}
		v, err := t.resolveRef(name)
		if err != nil {
			return "", err
		}
		b.WriteString(v)
	}
}
