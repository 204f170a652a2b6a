// local invoke: one invocation of a function, as Lambda's Invoke API runs it.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/httpapi-cdk/httpapi/local"
)

const invokeUsage = `usage: local invoke -function F [-event FILE]
       local invoke -route "METHOD /path?query" [-body TEXT | -body-file FILE] [-header "Name: value"]...
       [-cdk-out cdk.out | -template FILE] [-stack S] [-api ID]

Builds one function of the API, runs it once and prints its result on
standard output (the function's logs go to standard error). The function
is named by its logical id or Go package, with the event in -event (- or
no -event: standard input); or -route builds the event API Gateway would
send for the request (as local event prints it) and invokes the function
of the route it takes. A failed invocation prints Lambda's error payload
and exits with status 1.`

func runInvoke(args []string) error {
	fl := subcommandFlags("local invoke", invokeUsage)
	src := apiFlags(fl)
	req := requestFlags(fl)
	function := fl.String("function", "", "the function's logical id or Go package")
	eventFile := fl.String("event", "-", "`file` of the event to invoke the function with (- for standard input)")
	routeLine := fl.String("route", "", "build the event for this request, `\"METHOD /path?query\"`, and invoke its route's function")
	format := fl.String("format", "", `with -route: payload format "2.0" or "1.0" (default: the route's)`)
	if err := parseFlagsOnly(fl, args); err != nil {
		return err
	}
	if (*function == "") == (*routeLine == "") {
		return errors.New("give -function (with -event) or -route")
	}
	api, err := src.load()
	if err != nil {
		return err
	}
	var event []byte
	if *routeLine != "" {
		r, err := req.build(*routeLine)
		if err != nil {
			return err
		}
		ev, rt, err := api.RequestEvent(r, *format)
		if err != nil {
			return err
		}
		event, *function = ev, rt.Function
		fmt.Fprintf(os.Stderr, "local invoke: route %s -> %s\n", rt.Key, rt.Function)
	} else if *eventFile == "-" {
		event, err = io.ReadAll(os.Stdin)
	} else {
		event, err = os.ReadFile(*eventFile)
	}
	if err != nil {
		return err
	}
	fn, err := api.FunctionNamed(*function)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	// Only this function is built and started.
	only := &local.API{Stack: api.Stack, LogicalID: api.LogicalID, Name: api.Name, Region: api.Region, Functions: map[string]*local.Function{fn.LogicalID: fn}}
	srv, err := local.New(ctx, only, &local.Options{Concurrency: 1, Log: os.Stderr, AccessLog: io.Discard})
	if err != nil {
		return err
	}
	result, err := srv.Invoke(fn.LogicalID, event)
	srv.Close()
	var failed *local.InvokeError
	if errors.As(err, &failed) && len(failed.Payload) > 0 {
		result = failed.Payload
	} else if err != nil {
		return err
	}
	var out bytes.Buffer
	if jsonIndent(&out, result) != nil {
		out.Reset()
		out.Write(append(result, '\n'))
	}
	os.Stdout.Write(out.Bytes())
	if failed != nil {
		return fmt.Errorf("%s failed: %s", fn.LogicalID, failed.Detail)
	}
	return nil
}
