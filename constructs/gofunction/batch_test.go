package gofunction

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// synthFunctions synthesizes an app of one function per package into
// outdir and returns the staged directory of each function's asset.
func synthFunctions(t *testing.T, outdir string, pkgs ...string) []string {
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
	app.Synth(nil)
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
	staged := synthFunctions(t, out, "./cmd/fn", "./cmd/other", "./cmd/fn")
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
	again := synthFunctions(t, out, "./cmd/fn", "./cmd/other")
	if again[1] != staged[1] || !stagedComplete(again[1]) {
		entries, _ := os.ReadDir(again[1])
		t.Errorf("after an incomplete staged directory, it holds %v, want only bootstrap", entries)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
