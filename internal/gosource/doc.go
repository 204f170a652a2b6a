// The package documentation of gosource.

// Package gosource decides which files and settings a build of a Go main
// package depends on: the one answer that both the gofunction construct's
// asset hash and the local emulator's watcher use, so that an edit that
// changes what `cdk deploy` ships also rebuilds the emulator's function,
// and an edit that does not changes neither.
//
// [Decode] reads the output of the go list command that [ListArgs] builds,
// and [List] turns those packages and the go env settings [Env] holds into
// [Sources]:
//
//   - the files of each package outside the standard library and the
//     module cache (the main module's, workspace modules', directory
//     replacements', vendor/'s): Go, assembly, cgo and other files go list
//     reports, and the files they embed;
//   - the go.mod of each such module, the go.sum of the main modules (the
//     go command reads no other), go.work and go.work.sum, and
//     vendor/modules.txt;
//   - the profile for profile-guided optimization: default.pgo in the main
//     package's directory, or the file GOFLAGS's -pgo names;
//   - the modules of the module cache, by path and version (go.sum pins
//     their content);
//   - the directories in which a new file would change the build: package
//     directories, and those an embed pattern can match a file in.
//
// It runs no command and has no dependencies outside the standard library
// and internal/gopkg.
package gosource
