package test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// behaviorDoc is the project's API Gateway behaviour reference.
const behaviorDoc = "docs/api-gateway-behavior.md"

var (
	// docCode is an inline code span of the behaviour reference.
	docCode = regexp.MustCompile("`([^`\n]+)`")
	// testFuncName is the name of a test, example, fuzz test or benchmark.
	testFuncName = regexp.MustCompile(`^(Test|Example|Fuzz|Benchmark)[A-Za-z0-9_]*$`)
	// ruleID is a rule's id, such as R-EV2-4.
	ruleID = regexp.MustCompile(`\bR-[A-Z]+[0-9]?-[0-9]+\b`)
	// ruleHeading is where the behaviour reference states a rule.
	ruleHeading = regexp.MustCompile(`(?m)^\*\*(R-[A-Z]+[0-9]?-[0-9]+)\. `)
)

// notSource reports whether a directory of that name holds none of the
// module's own Go sources: hidden ones (.git, .tools), node_modules,
// cdk.out and testdata.
func notSource(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules" || name == "cdk.out" || name == "testdata"
}

// TestBehaviorDocTestsExist checks the behaviour reference's test pointers:
// in each rule's "Tests:" paragraph, every `path_test.go` names a file of
// the repository and every `TestName` after it is a top-level function of
// that file; and every test name the reference cites anywhere is a function
// of some test file, so that a renamed or lost test cannot leave a rule
// pointing at nothing. It also checks that every rule id a Go file citing
// the reference names is a rule the reference states.
func TestBehaviorDocTestsExist(t *testing.T) {
	root := ".."
	doc, err := os.ReadFile(filepath.Join(root, behaviorDoc))
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, m := range ruleHeading.FindAllStringSubmatch(string(doc), -1) {
		rules[m[1]] = true
	}
	funcs := map[string]map[string]bool{} // test file -> its function names
	everywhere := map[string]bool{}
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && notSource(d.Name()) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(src), behaviorDoc) {
			for _, id := range ruleID.FindAllString(string(src), -1) {
				if !rules[id] {
					t.Errorf("%s cites %s, which %s does not state", path, id, behaviorDoc)
				}
			}
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		names, err := funcNames(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		funcs[filepath.ToSlash(rel)] = names
		for n := range names {
			everywhere[n] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	pointers := 0
	for i, para := range strings.Split(string(doc), "\n\n") {
		_, tests, ok := strings.Cut(para, "Tests:")
		if !ok {
			continue
		}
		file := ""
		for _, m := range docCode.FindAllStringSubmatch(tests, -1) {
			switch code := m[1]; {
			case strings.HasSuffix(code, ".go"):
				file = code
				if funcs[file] == nil {
					t.Errorf("%s, paragraph %d: test file %s does not exist", behaviorDoc, i+1, file)
				}
			case testFuncName.MatchString(code):
				pointers++
				if file == "" {
					t.Errorf("%s, paragraph %d: %s follows no test file", behaviorDoc, i+1, code)
				} else if funcs[file] != nil && !funcs[file][code] {
					t.Errorf("%s, paragraph %d: %s is not a function of %s", behaviorDoc, i+1, code, file)
				}
			}
		}
	}
	if pointers < 50 {
		t.Errorf("%s has %d test pointers; want one or more for each rule", behaviorDoc, pointers)
	}
	for _, m := range docCode.FindAllStringSubmatch(string(doc), -1) {
		if testFuncName.MatchString(m[1]) && !everywhere[m[1]] {
			t.Errorf("%s cites %s, which no test file declares", behaviorDoc, m[1])
		}
	}
}

// funcNames returns the names of a Go file's top-level functions.
func funcNames(path string) (map[string]bool, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
			names[fd.Name.Name] = true
		}
	}
	return names, nil
}
