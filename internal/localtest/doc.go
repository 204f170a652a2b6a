// Package localtest is the emulator's test kit: the helpers the tests of
// package local and of cmd/local share, so that each is written once.
//
// It holds a buffer safe for concurrent writes (an emulator's log), file
// trees written into a test's directory, the templates and cloud
// assemblies the tests serve, the source of the function the -watch tests
// edit, and the polling and request loops those tests use.
//
// Only _test.go files import it. It imports the standard library alone:
// no CDK module, and not package local, whose own tests use it.
package localtest
