// Package assemblymeta holds what synthesis records in a cloud assembly for
// the local emulator, and how it is read back: the metadata keys of a Go
// function's resource, and the CDK app's directory as seen from the
// assembly. constructs/gofunction writes them; local reads them. It has no
// dependency on the CDK.
package assemblymeta

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// The template metadata keys, on an AWS::Lambda::Function resource, of the
// Go package a function was built from; see the gofunction constants of
// the same values for their meaning.
const (
	GoPackage   = "httpapi:GoPackage"
	GoModule    = "httpapi:GoModule"
	GoModuleDir = "httpapi:GoModuleDir"
)

// AppDirFile is the file, in the top-level directory of a cloud assembly,
// that records where the CDK app's directory (the directory synthesis ran
// in, which GoModuleDir is relative to) is, relative to the assembly's
// directory: ".." for the usual cdk.out in the app's directory, "../.."
// for `cdk synth -o build/cdk.out`.
const AppDirFile = "httpapi-app.json"

type appDirFile struct {
	AppDir string `json:"appDir"`
}

// WriteAppDir records appDir in the assembly directory outdir. Several
// functions of one synthesis, or parallel syntheses into one directory,
// may write it at once: each writes the whole file under a name of its
// own and renames it into place. It does nothing when appDir is not
// reachable from outdir by a relative path.
func WriteAppDir(outdir, appDir string) error {
	absOut, err := filepath.Abs(outdir)
	if err != nil {
		return err
	}
	absApp, err := filepath.Abs(appDir)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(absOut, absApp)
	if err != nil {
		return nil // another volume: the emulator falls back to the parent of the assembly
	}
	b, _ := json.Marshal(appDirFile{AppDir: filepath.ToSlash(rel)})
	path := filepath.Join(absOut, AppDirFile)
	if old, err := os.ReadFile(path); err == nil && string(old) == string(b) {
		return nil
	}
	if err := os.MkdirAll(absOut, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(absOut, AppDirFile+".*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, errors.Join(werr, cerr))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// AppDir returns the CDK app's directory, absolute, of the cloud assembly
// in dir: as AppDirFile records it, or else, for an assembly synthesized
// before it was recorded, dir's parent (cdk.out in the app's directory).
func AppDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(abs, AppDirFile))
	if os.IsNotExist(err) {
		return filepath.Dir(abs), nil
	}
	if err != nil {
		return "", err
	}
	var f appDirFile
	if err := json.Unmarshal(b, &f); err != nil || f.AppDir == "" || filepath.IsAbs(filepath.FromSlash(f.AppDir)) {
		return "", fmt.Errorf("%s: want {\"appDir\": a relative path}, got %.100q", filepath.Join(abs, AppDirFile), b)
	}
	return filepath.Join(abs, filepath.FromSlash(f.AppDir)), nil
}
