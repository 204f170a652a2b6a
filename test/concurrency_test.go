package test

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/httpapi-cdk/httpapi/stacks"
)

// TestConcurrentSyntheses runs three syntheses of the reference app at
// once, each in a process of its own, against one fresh gofunction cache,
// as parallel CI jobs or two apps of a monorepo do. Every synthesis must
// succeed with the same templates and the same assets, and the cache must
// hold nothing but complete asset directories. The go command keeps its
// warm build cache (GOCACHE), so the functions are linked, not compiled
// from scratch.
func TestConcurrentSyntheses(t *testing.T) {
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	outs := make([]string, 3)
	var wg sync.WaitGroup
	for i := range outs {
		outs[i] = t.TempDir()
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^TestSynthesisInChild$", "-test.count=1")
			cmd.Env = append(os.Environ(),
				"XDG_CACHE_HOME="+cache, "GOCACHE="+strings.TrimSpace(string(gocache)),
				"CDK_OUTDIR="+outs[i], "CDK_VALIDATION=false", "HTTPAPI_TEST_SYNTH=1")
			if i == 2 { // flags that do not change a binary do not change the assets
				cmd.Env = append(cmd.Env, "GOFLAGS=-mod=mod -p=1")
			}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("synthesis %d: %v\n%s", i, err, out)
			}
		})
	}
	t.Parallel() // the syntheses run while the other tests do
	wg.Wait()
	if t.Failed() {
		return
	}

	// The same templates and assets in every cloud assembly.
	want := assemblyFiles(t, outs[0])
	var templates, bootstraps int
	for name := range want {
		if strings.HasSuffix(name, ".template.json") {
			templates++
		}
		if strings.HasSuffix(name, "/bootstrap") {
			bootstraps++
		}
	}
	// One template per reference stack, one bootstrap per distinct Go
	// package the templates name (equal assets are staged once).
	packages := map[string]bool{}
	for name, b := range want {
		if strings.HasSuffix(name, ".template.json") {
			for _, m := range regexp.MustCompile(`"httpapi:GoPackage": "([^"]+)"`).FindAllSubmatch(b, -1) {
				packages[string(m[1])] = true
			}
		}
	}
	if templates != 5 || bootstraps != len(packages) || bootstraps < 3 {
		t.Errorf("the assembly holds %d templates and %d bootstraps, want 5 and one per Go package %v", templates, bootstraps, slices.Sorted(maps.Keys(packages)))
	}
	for i, out := range outs[1:] {
		got := assemblyFiles(t, out)
		names := map[string]bool{}
		for name := range want {
			names[name] = true
		}
		for name := range got {
			names[name] = true
		}
		for _, name := range slices.Sorted(maps.Keys(names)) {
			if !bytes.Equal(got[name], want[name]) {
				t.Errorf("synthesis %d: %s differs from synthesis 0's", i+1, name)
			}
		}
	}

	// The shared cache: one directory per toolchain, holding asset
	// directories that each hold exactly one bootstrap.
	root := filepath.Join(cache, "httpapi-gofunction")
	versions, err := os.ReadDir(root)
	if err != nil || len(versions) != 1 {
		t.Fatalf("the cache holds %v (%v), want one toolchain directory", versions, err)
	}
	assets, _ := os.ReadDir(filepath.Join(root, versions[0].Name()))
	if len(assets) != bootstraps {
		t.Errorf("the cache holds %d entries, want the %d asset directories", len(assets), bootstraps)
	}
	for _, a := range assets {
		files, _ := os.ReadDir(filepath.Join(root, versions[0].Name(), a.Name()))
		if len(files) != 1 || files[0].Name() != "bootstrap" {
			t.Errorf("cache entry %s holds %v, want only bootstrap", a.Name(), files)
		}
	}
}

// TestSynthesisInChild is one of TestConcurrentSyntheses's syntheses.
func TestSynthesisInChild(t *testing.T) {
	if os.Getenv("HTTPAPI_TEST_SYNTH") == "" {
		t.Skip("run by TestConcurrentSyntheses")
	}
	a := newApp() // writes to CDK_OUTDIR
	stacks.NewApp(a)
	a.Synth(nil)
}

// assemblyFiles returns the templates and asset files of a cloud assembly,
// by path relative to it.
func assemblyFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, ".template.json") || strings.HasPrefix(rel, "asset.") {
			b, err := os.ReadFile(path)
			files[rel] = b
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
