// The init command: a new project from the embedded templates and this module's own tool files.

package main

import (
	"bytes"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"text/template"
	"unicode"
)

// modulePath is this module's path.
const modulePath = "github.com/httpapi-cdk/httpapi"

// templates are the project's files: template/NAME.tmpl becomes NAME
// (gitignore.tmpl becomes .gitignore).
//
//go:embed template
var templates embed.FS

// copiedFiles are the files a project takes from this module as they are,
// so that each has one source: cdk.json (the app command, and the feature
// flags of this CDK version, which the golden templates assume), and the
// pinned CDK CLI and Node.js with their installer and wrapper.
var copiedFiles = []string{
	"cdk.json",
	".tools/package.json",
	".tools/package-lock.json",
	".tools/install-node-tools",
	".tools/bin/cdk",
}

// project is what the templates are filled in with.
type project struct {
	Module    string // the new module's path
	Name      string // the directory's base name
	Stack     string // the CDK stack's name
	GoVersion string // this module's go line
	Version   string // the version of this module required
	Replace   string // the checkout the requirement is replaced with; "" for none
}

func runInit(args []string) error {
	fl := flag.NewFlagSet("httpapi init", flag.ContinueOnError)
	module := fl.String("module", "", "the new module's `path` (default: example.com/ and the directory's name)")
	stack := fl.String("stack", "", "the CDK stack's `name` (default: from the directory's name)")
	checkout := fl.String("checkout", "", "`directory` of this module's source to use (default: the source of the running command)")
	tidy := fl.Bool("tidy", true, "run go mod tidy in the new project (it writes go.sum)")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), usage)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() != 1 {
		fl.Usage()
		return errors.New("want one argument, the new project's directory")
	}
	src := *checkout
	if src == "" {
		var err error
		if src, err = runningSource(); err != nil {
			return err
		}
	}
	p, err := newProject(fl.Arg(0), src, *module, *stack)
	if err != nil {
		return err
	}
	if err := writeProject(fl.Arg(0), src, p); err != nil {
		return err
	}
	if *tidy {
		cmd := exec.Command("go", "mod", "tidy")
		cmd.Dir, cmd.Stdout, cmd.Stderr = fl.Arg(0), os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go mod tidy in %s: %w", fl.Arg(0), err)
		}
	}
	fmt.Printf("Created %s (module %s, stack %s). Next:\n\n\tcd %s\n\tmake synth   # cdk.out/\n\tmake test\n\tmake local   # http://127.0.0.1:3000/hello/ann\n",
		fl.Arg(0), p.Module, p.Stack, fl.Arg(0))
	return nil
}

// runningSource returns the root of the module whose source this command
// was built from: a checkout (go run ./cmd/httpapi), or the module cache
// (go run github.com/httpapi-cdk/httpapi/cmd/httpapi@VERSION).
func runningSource() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if ok && filepath.IsAbs(file) {
		root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
		if isThisModule(root) {
			return root, nil
		}
	}
	return "", fmt.Errorf("cannot find the source of %s this command was built from (built with -trimpath?): give a checkout with -checkout DIR", modulePath)
}

// isThisModule reports whether dir is the root of this module.
func isThisModule(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	return err == nil && goModField(b, "module") == modulePath
}

// goModField returns the argument of the first line of a go.mod that
// starts with directive ("module", "go").
func goModField(gomod []byte, directive string) string {
	for line := range strings.Lines(string(gomod)) {
		if f := strings.Fields(line); len(f) == 2 && f[0] == directive {
			return f[1]
		}
	}
	return ""
}

// moduleCacheVersion matches the directory of a module in the module
// cache: .../github.com/httpapi-cdk/httpapi@v1.2.3.
var moduleCacheVersion = regexp.MustCompile(`@(v[0-9][^/\\]*)$`)

// newProject checks the arguments and returns what the templates need.
func newProject(dir, src, module, stack string) (*project, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty: init writes a new project into a new or empty directory", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(abs)
	if module == "" {
		module = "example.com/" + strings.ToLower(strings.Join(words(name), "-"))
	}
	if stack == "" {
		stack = camel(name)
	}
	if !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,127}$`).MatchString(stack) {
		return nil, fmt.Errorf("-stack %q: a stack name is a letter, then letters, digits and hyphens (at most 128)", stack)
	}
	if !regexp.MustCompile(`^[a-z0-9.-]+(/[A-Za-z0-9._~-]+)*$`).MatchString(module) {
		return nil, fmt.Errorf("-module %q is not a module path (like example.com/todo)", module)
	}
	if !isThisModule(src) {
		return nil, fmt.Errorf("%s is not the root of a copy of %s (no go.mod with its module line)", src, modulePath)
	}
	gomod, err := os.ReadFile(filepath.Join(src, "go.mod"))
	if err != nil {
		return nil, err
	}
	p := &project{Module: module, Name: name, Stack: stack, GoVersion: goModField(gomod, "go")}
	if m := moduleCacheVersion.FindStringSubmatch(filepath.ToSlash(src)); m != nil {
		p.Version = m[1]
	} else {
		p.Version = "v0.0.0"
		if p.Replace, err = filepath.Abs(src); err != nil {
			return nil, err
		}
		p.Replace = filepath.ToSlash(p.Replace)
	}
	return p, nil
}

// writeProject writes the templates, filled in with p, and copiedFiles
// from src into dir.
func writeProject(dir, src string, p *project) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	err := fs.WalkDir(templates, "template", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		text, err := templates.ReadFile(name)
		if err != nil {
			return err
		}
		t, err := template.New(name).Option("missingkey=error").Parse(string(text))
		if err != nil {
			return err
		}
		var out bytes.Buffer
		if err := t.Execute(&out, p); err != nil {
			return err
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(name, "template/"), ".tmpl")
		if path.Base(rel) == "gitignore" {
			rel = path.Join(path.Dir(rel), ".gitignore")
		}
		return writeFile(filepath.Join(dir, filepath.FromSlash(rel)), out.Bytes(), 0o644)
	})
	if err != nil {
		return err
	}
	for _, rel := range copiedFiles {
		from := filepath.Join(src, filepath.FromSlash(rel))
		b, err := os.ReadFile(from)
		if err != nil {
			return err
		}
		info, err := os.Stat(from)
		if err != nil {
			return err
		}
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(rel)), b, info.Mode().Perm()|0o644); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(name string, b []byte, perm fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, b, perm)
}

// words splits a directory name into its runs of letters and digits.
func words(name string) []string {
	return strings.FieldsFunc(name, func(r rune) bool { return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))) })
}

// camel turns a directory name into a stack name: "todo-api" is
// "TodoApi"; one that starts with a digit, or has no letter, gets "App"
// in front.
func camel(name string) string {
	var b strings.Builder
	for _, w := range words(name) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	s := b.String()
	if s == "" || !unicode.IsLetter(rune(s[0])) {
		s = "App" + s
	}
	return s
}
