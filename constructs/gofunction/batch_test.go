package gofunction

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// synthFunctions synthesizes an app of one function per package into
// outdir, without validation if skipValidation, and returns the staged
// directory of each function's asset.
func synthFunctions(t *testing.T, outdir string, skipValidation bool, pkgs ...string) []string {
	t.Helper()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(outdir)})
	stack := awscdk.NewStack(app, jsii.String("Stack"), nil)
	var staged []string
	for i, pkg := range pkgs {
		f := New(stack, "Fn"+string(rune('A'+i)), &Props{Package: pkg}).(*function)
		dir, err := stagedDir(f.lambda)
		if err != nil {
			t.Fatal(err)
		}
		staged = append(staged, dir)
	}
	app.Synth(&awscdk.StageSynthesisOptions{SkipValidation: jsii.Bool(skipValidation)})
	return staged
}

// Functions without a cached binary are built together at synthesis: each
// staged asset then holds exactly the cached bootstrap, the same for two
// functions of one package; and an incomplete staged directory, left by a
// synthesis that was killed, is completed rather than deployed.
func TestDeferredBuildsStageTheCachedBinary(t *testing.T) {
	cache := freshBuildCache(t)
	dir := writeModule(t)
	writeFiles(t, dir, map[string]string{"cmd/other/main.go": "package main\n\nfunc main() { println(\"other\") }\n"})
	t.Chdir(dir)
	out := t.TempDir()
	staged := synthFunctions(t, out, false, "./cmd/fn", "./cmd/other", "./cmd/fn")
	if staged[0] != staged[2] || staged[0] == staged[1] {
		t.Errorf("staged directories %v: want one per package", staged)
	}
	for i, s := range staged {
		if !stagedComplete(s) {
			entries, _ := os.ReadDir(s)
			t.Fatalf("staged directory %d holds %v, want only bootstrap", i, entries)
		}
		bin, _ := os.ReadFile(filepath.Join(s, "bootstrap"))
		hash := strings.TrimPrefix(filepath.Base(s), "asset.")
		var cached []byte
		filepath.WalkDir(cache, func(path string, d os.DirEntry, err error) error {
			if err == nil && d.Name() == "bootstrap" && bytes.Equal(mustRead(t, path), bin) {
				cached = bin
			}
			return nil
		})
		if len(bin) == 0 || cached == nil {
			t.Errorf("staged bootstrap %d (%s) is not a cached build", i, hash)
		}
	}

	// A staged directory a killed synthesis left empty is completed, from
	// the cache, by the next synthesis.
	os.Remove(filepath.Join(staged[1], "bootstrap"))
	writeFiles(t, staged[1], map[string]string{".bootstrap": "partial"})
	again := synthFunctions(t, out, false, "./cmd/fn", "./cmd/other")
	if again[1] != staged[1] || !stagedComplete(again[1]) {
		entries, _ := os.ReadDir(again[1])
		t.Errorf("after an incomplete staged directory, it holds %v, want only bootstrap", entries)
	}
}

// A synthesis without validation builds all the same: the builds start
// from an aspect, and aspects always run.
func TestDeferredBuildsWithoutValidation(t *testing.T) {
	freshBuildCache(t)
	t.Chdir(writeModule(t))
	staged := synthFunctions(t, t.TempDir(), true, "./cmd/fn")
	if !stagedComplete(staged[0]) {
		entries, _ := os.ReadDir(staged[0])
		t.Errorf("the staged directory holds %v, want only bootstrap", entries)
	}
}

// A function that does not build fails the synthesis with the compiler's
// message, naming its package.
func TestDeferredBuildError(t *testing.T) {
	freshBuildCache(t)
	dir := writeModule(t)
	writeFiles(t, dir, map[string]string{"cmd/broken/main.go": "package main\n\nfunc main() { undefinedName() }\n"})
	t.Chdir(dir)
	defer func() {
		err := recover()
		if msg := fmt.Sprint(err); err == nil || !strings.Contains(msg, `Package "./cmd/broken"`) || !strings.Contains(msg, "undefinedName") {
			t.Errorf("synthesis of a broken function: %v", err)
		}
	}()
	synthFunctions(t, t.TempDir(), false, "./cmd/fn", "./cmd/broken")
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Staging is disabled as aws-cdk-lib reads the context value, by
// JavaScript's truthiness: the string "false" disables it too. With it
// disabled, each function is built at once into a directory of its own,
// never into the empty directory deferred assets are copied from, and
// two packages get two binaries.
func TestStagingDisabled(t *testing.T) {
	for v, want := range map[any]bool{nil: false, false: false, "": false, 0.0: false, true: true, "true": true, "false": true, 1.0: true} {
		if got := stagingDisabled(v); got != want {
			t.Errorf("stagingDisabled(%#v) = %v, want %v", v, got, want)
		}
	}
	freshBuildCache(t)
	dir := writeModule(t)
	writeFiles(t, dir, map[string]string{"cmd/other/main.go": "package main\n\nfunc main() { println(\"other\") }\n"})
	t.Chdir(dir)
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir()), Context: &map[string]any{stagingDisabledContext: "false"}})
	stack := awscdk.NewStack(app, jsii.String("Stack"), nil)
	a := New(stack, "A", &Props{Package: "./cmd/fn"}).(*function)
	b := New(stack, "B", &Props{Package: "./cmd/other"}).(*function)
	da, _ := stagedDir(a.lambda)
	db, _ := stagedDir(b.lambda)
	if da == db || !stagedComplete(da) || !stagedComplete(db) {
		t.Fatalf("asset directories %s and %s: want two, each with its bootstrap", da, db)
	}
	if bytes.Equal(mustRead(t, filepath.Join(da, "bootstrap")), mustRead(t, filepath.Join(db, "bootstrap"))) {
		t.Error("two packages, one binary")
	}
}
