// Deferred builds: the functions of an app that need a binary are built together, at synthesis, in one go build.

package gofunction

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/httpapi-cdk/httpapi/internal/propcheck"
)

// A function whose binary is not in the asset cache is not built by New:
// New stages an empty directory under the asset hash (CDK copies an asset
// when the construct is made, and never again into a staged directory that
// exists) and gives the function a pendingBuild. At synthesis, once every
// construct is made, the first pendingBuild to run builds every pending
// function of the process at once (see flushPending), into the asset
// cache, and copies each bootstrap into its staged directory. A build that
// fails, or whose sources changed since New hashed them, fails the
// synthesis. A staged directory is complete when it holds exactly one
// regular file, bootstrap, written under another name and renamed; what a
// killed synthesis left in one is removed before the bootstrap is copied
// there, by the flush or, for a function whose binary is cached, by New.

// pendingBuild is a function's build deferred to synthesis. It is an
// aspect of the function (awscdk.IAspect), because aspects run at every
// synthesis, and a validation (constructs.IValidation), because a failed
// validation fails the synthesis with its message, while validation can be
// skipped: the first of them to run builds, and a build that fails adds an
// error annotation too, which the CDK CLI refuses to deploy.
type pendingBuild struct {
	owner   constructs.Construct
	plan    *plan
	staged  string // the asset's staged directory, to complete
	visited bool   // under pendingMu
	err     error  // under pendingMu
}

var (
	pendingMu sync.Mutex
	pending   []*pendingBuild
	flushMu   sync.Mutex // one flush at a time
)

// progressAt is the number of binaries from which a flush says what it
// builds and how long it took, one line each, on standard error: the CDK
// CLI shows it.
const progressAt = 4

// deferBuild registers a build of p into staged for the next flush.
func deferBuild(owner constructs.Construct, p *plan, staged string) *pendingBuild {
	pb := &pendingBuild{owner: owner, plan: p, staged: staged}
	pendingMu.Lock()
	pending = append(pending, pb)
	pendingMu.Unlock()
	return pb
}

// Visit builds every pending function, if not done yet, and adds this
// one's error as an error annotation of its function. It runs in a jsii
// callback: it never panics.
func (pb *pendingBuild) Visit(constructs.IConstruct) {
	pendingMu.Lock()
	visited := pb.visited
	pb.visited = true
	pendingMu.Unlock()
	if visited {
		return
	}
	if err := pb.result(); err != nil {
		awscdk.Annotations_Of(pb.owner).AddError(jsii.String(err.Error()))
	}
}

// Validate builds every pending function, if not done yet, and returns
// this one's error. It runs in a jsii callback: it never panics.
func (pb *pendingBuild) Validate() *[]*string {
	if err := pb.result(); err != nil {
		return &[]*string{jsii.String(err.Error())}
	}
	return &[]*string{}
}

// result builds every pending function, if not done yet, and returns
// pb's error, as the message synthesis fails with: the package name once
// in front.
func (pb *pendingBuild) result() error {
	flushPending()
	pendingMu.Lock()
	defer pendingMu.Unlock()
	return propcheck.Prefix("gofunction", pb.err)
}

// flushPending builds the pending functions: one go build per group of
// builds with the same environment and tags (each package once, however
// many functions run it), then copies each bootstrap into the staged
// directories that wait for it.
func flushPending() {
	flushMu.Lock()
	defer flushMu.Unlock()
	pendingMu.Lock()
	todo := pending
	pending = nil
	pendingMu.Unlock()
	if len(todo) == 0 {
		return
	}
	byHash := map[string][]*pendingBuild{}
	groups := map[string][]*plan{}
	for _, pb := range todo {
		h := pb.plan.hash
		if byHash[h] == nil {
			key := strings.Join(append(slices.Clone(pb.plan.env), pb.plan.wd, pb.plan.tags), "\x00")
			groups[key] = append(groups[key], pb.plan)
		}
		byHash[h] = append(byHash[h], pb)
	}
	started := time.Now()
	if len(byHash) >= progressAt {
		fmt.Fprintf(os.Stderr, "gofunction: building %d Go function(s) for Lambda, together\n", len(byHash))
	}
	errs := map[string]error{}
	for _, key := range slices.Sorted(maps.Keys(groups)) {
		maps.Copy(errs, buildTogether(groups[key]))
	}
	failed := 0
	for h, pbs := range byHash {
		built := errs[h]
		hashFailed := built != nil
		for _, pb := range pbs {
			err := built // the build's error, else this function's own staging error
			if err == nil {
				err = pb.complete()
			}
			pendingMu.Lock()
			pb.err = err
			pendingMu.Unlock()
			hashFailed = hashFailed || err != nil
		}
		if hashFailed {
			failed++
		}
	}
	if len(byHash) >= progressAt {
		fmt.Fprintf(os.Stderr, "gofunction: built %d Go function(s) in %.1fs, %d failed\n", len(byHash)-failed, time.Since(started).Seconds(), failed)
	}
}

// majorVersion matches the last element of an import path that go build
// -o DIR does not name a binary after.
var majorVersion = regexp.MustCompile(`^v[0-9]+$`)

// buildTogether builds plans, which share their environment, working
// directory and tags and have distinct hashes, into the asset cache with one go build, or one
// per plan when they cannot share one (two binaries of the same name) or
// when it fails (to tell whose error it is). It returns the errors by
// hash.
func buildTogether(plans []*plan) map[string]error {
	errs := map[string]error{}
	var together, alone []*plan
	names := map[string]bool{}
	for _, p := range plans {
		switch name := path.Base(p.main.ImportPath); {
		case complete(p.built().dir): // built by another process meanwhile
		case names[name] || majorVersion.MatchString(name):
			alone = append(alone, p)
		default:
			names[name] = true
			together = append(together, p)
		}
	}
	if len(together) == 1 {
		alone, together = append(alone, together...), nil
	}
	if len(together) > 0 {
		if err := buildBatch(together); err != nil {
			alone = append(alone, together...) // each alone, for its own error
		}
	}
	for _, p := range alone {
		if complete(p.built().dir) {
			continue
		}
		if _, err := p.build(); err != nil {
			if errors.Is(err, errSourcesChanged) {
				err = fmt.Errorf("Package %q: %w", p.pkg, errSourcesChanged)
			}
			errs[p.hash] = err
		}
	}
	return errs
}

// buildBatch builds plans with one go build -o DIR and installs each
// binary in the asset cache. An error means some were not installed.
func buildBatch(plans []*plan) error {
	dir, err := plans[0].tempDir()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	args := append([]string{"build"}, buildFlags...)
	args = append(args, "-tags", plans[0].tags, "-o", dir+string(filepath.Separator), "--")
	for _, p := range plans {
		args = append(args, p.main.ImportPath)
	}
	if beforeGoBuild != nil {
		beforeGoBuild()
	}
	cmd := exec.Command("go", args...)
	cmd.Env, cmd.Dir = plans[0].env, plans[0].wd
	if _, err := cmd.CombinedOutput(); err != nil {
		return err
	}
	var errs []error
	for _, p := range plans {
		tmp, err := p.tempDir()
		if err == nil {
			if err = os.Rename(filepath.Join(dir, path.Base(p.main.ImportPath)), filepath.Join(tmp, "bootstrap")); err == nil {
				err = p.install(tmp)
			}
			os.RemoveAll(tmp)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// complete copies the cached bootstrap into pb's staged directory, unless
// it is complete already.
func (pb *pendingBuild) complete() error {
	if err := completeStaged(pb.staged, pb.plan.built().dir); err != nil {
		return fmt.Errorf("Package %q: staging the asset: %w", pb.plan.pkg, err)
	}
	return nil
}

// stagedComplete reports whether a staged asset directory holds exactly
// one regular file, bootstrap.
func stagedComplete(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 1 && entries[0].Name() == "bootstrap" && entries[0].Type().IsRegular()
}

// completeStaged makes the staged directory staged hold the bootstrap of
// the cache directory cached and nothing else, unless it already does:
// the bootstrap is written under a name starting with '.' and renamed.
func completeStaged(staged, cached string) error {
	if stagedComplete(staged) {
		return nil
	}
	entries, err := os.ReadDir(staged)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(staged, e.Name())); err != nil {
			return err
		}
	}
	src, err := os.Open(filepath.Join(cached, "bootstrap"))
	if err != nil {
		return err
	}
	defer src.Close()
	tmp := filepath.Join(staged, ".bootstrap")
	dst, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(staged, "bootstrap"))
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// stagingDisabledContext is the context key with which CDK uses assets
// where they are instead of copying them into the cloud assembly (SAM
// local does so).
const stagingDisabledContext = "aws:cdk:disable-asset-staging"

// prepare resolves the function's package and returns the directory to
// make its asset from: the cached build, or, when there is none yet, an
// empty directory and the plan whose build is deferred (see
// completeAsset). Without asset staging, it builds at once: the asset is
// then the directory itself.
func prepare(facts scopeFacts, pkg, goarch string) (*built, *plan, error) {
	if facts.stagingDisabled {
		b, err := build(pkg, goarch)
		return b, nil, err
	}
	p, err := resolve(pkg, goarch)
	if err != nil {
		return nil, nil, err
	}
	b := p.built()
	if complete(b.dir) {
		return b, nil, nil
	}
	empty := p.emptyDir()
	if err := os.MkdirAll(empty, 0o755); err != nil {
		return nil, nil, err
	}
	// Every deferred asset is staged as a copy of this directory: a file
	// in it would be in each of them, taken for a complete build. It is
	// never written to; should anything be there, it goes.
	if entries, err := os.ReadDir(empty); err != nil || len(entries) > 0 {
		if err := os.RemoveAll(empty); err != nil {
			return nil, nil, err
		}
		if err := os.MkdirAll(empty, 0o755); err != nil {
			return nil, nil, err
		}
	}
	b.dir = empty
	return b, p, nil
}

// stagingDisabled reports whether a value of the context key
// aws:cdk:disable-asset-staging disables staging, as aws-cdk-lib reads it
// (JavaScript's truthiness: any non-empty string, "false" included, any
// number but 0, true).
func stagingDisabled(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case string:
		return v != ""
	case float64:
		return v != 0
	}
	return true
}

// completeAsset makes the function's staged asset directory complete: now
// from the cached build b, or, for a deferred build p, at synthesis.
func (f *function) completeAsset(facts scopeFacts, b *built, p *plan) error {
	staged, err := stagedDir(f.lambda)
	if err != nil {
		return err
	}
	if p == nil {
		if err := completeStaged(staged, b.dir); err != nil {
			return fmt.Errorf("staging the asset of %s: %w", b.importPath, err)
		}
		return nil
	}
	// A deferred build writes into the staged copy in the cloud assembly,
	// never into the directory it was copied from, which every deferred
	// asset shares: staging that did not copy is refused, not written to.
	if staged == p.emptyDir() || !within(facts.rootOutdir, staged) {
		return fmt.Errorf("the asset of %s was not staged into the cloud assembly (%s): is asset staging disabled in a way gofunction does not read? build with staging, or disable it with the context value true", b.importPath, staged)
	}
	pb := deferBuild(f, p, staged)
	awscdk.Aspects_Of(f).Add(pb, nil)
	f.Node().AddValidation(pb)
	return nil
}

// stagedDir returns the absolute path of the staged directory of fn's
// code asset.
func stagedDir(fn awslambda.Function) (string, error) {
	asset, ok := fn.Node().TryFindChild(jsii.String("Code")).(awss3assets.Asset)
	if !ok {
		return "", errors.New("the function's code asset is not found")
	}
	dir := *asset.AssetPath()
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(*awscdk.Stage_Of(asset).Outdir(), dir)
	}
	return filepath.Abs(dir)
}

// emptyDir is the empty directory deferred assets are staged from.
func (p *plan) emptyDir() string {
	return filepath.Join(filepath.Dir(listCacheFile(p.tc.GOVERSION, "")), "empty")
}

// within reports whether path is dir or inside it, both absolute.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// rootOutdir returns the absolute directory of the outermost cloud
// assembly scope synthesizes into: a nested Stage's assets are staged
// there.
func rootOutdir(scope constructs.Construct) string {
	stage := awscdk.Stage_Of(scope)
	for parent := stage.ParentStage(); parent != nil; parent = parent.ParentStage() {
		stage = parent
	}
	dir, err := filepath.Abs(*stage.Outdir())
	if err != nil {
		return *stage.Outdir()
	}
	return dir
}
