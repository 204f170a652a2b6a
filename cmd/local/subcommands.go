// The subcommands beside serving: token, invoke and event, and what they share.

package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/httpapi-cdk/httpapi/local"
)

// subcommands are run by `local NAME ...`; without one, local serves.
var subcommands = map[string]func(args []string) error{
	"token":  runToken,
	"invoke": runInvoke,
	"event":  runEvent,
}

// runSubcommand runs the subcommand args[0] names, reporting false when
// it names none.
func runSubcommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	run := subcommands[args[0]]
	if run == nil {
		return false
	}
	if err := run(args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(os.Stderr, "local %s: %v\n", args[0], err)
		}
		os.Exit(1)
	}
	return true
}

// apiSource is where a subcommand finds the API: the flags -cdk-out,
// -template, -stack and -api, as the server takes them.
type apiSource struct {
	cdkOut, template, stack, api *string
}

func apiFlags(fl *flag.FlagSet) *apiSource {
	return &apiSource{
		cdkOut:   fl.String("cdk-out", "cdk.out", "cloud assembly `directory` to read"),
		template: fl.String("template", "", "read this template `file` instead of a cloud assembly"),
		stack:    fl.String("stack", "", "stack `name` (default: the only stack with an HTTP API)"),
		api:      fl.String("api", "", "API logical id or name (default: the only HTTP API)"),
	}
}

// load reads the API the flags select.
func (s *apiSource) load() (*local.API, error) {
	var apis []*local.API
	var err error
	if *s.template != "" {
		apis, err = local.LoadTemplate(*s.template, *s.stack)
	} else {
		apis, err = local.LoadAssembly(*s.cdkOut)
	}
	if err != nil {
		return nil, err
	}
	return local.Select(apis, *s.stack, *s.api)
}

// subcommandFlags returns the flag set of the subcommand name ("local
// token"): its errors are returned, and -h prints usage, then the flags.
func subcommandFlags(name, usage string) *flag.FlagSet {
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), usage)
		fl.PrintDefaults()
	}
	return fl
}

// parseFlagsOnly parses args into fl and refuses an argument that is not
// a flag.
func parseFlagsOnly(fl *flag.FlagSet, args []string) error {
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags: %s -h)", fl.Arg(0), fl.Name())
	}
	return nil
}

// parseInterspersed parses fl's flags wherever they are among args, as in
// `local event "POST /todos" -body '{}'`, and returns the other arguments.
func parseInterspersed(fl *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fl.Parse(args); err != nil {
			return nil, err
		}
		if fl.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fl.Arg(0))
		args = fl.Args()[1:]
	}
}

// multiFlag is a flag that may be given more than once.
type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ", ") }

func (m *multiFlag) Set(v string) error {
	*m = append(*m, v)
	return nil
}
