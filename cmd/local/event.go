// local event: the event API Gateway would send a function for a request.

package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/httpapi-cdk/httpapi/local"
	"github.com/httpapi-cdk/httpapi/route"
)

const eventUsage = `usage: local event "METHOD /path?query" [-body TEXT | -body-file FILE] [-header "Name: value"]...
                   [-format 2.0|1.0] [-cdk-out cdk.out | -template FILE] [-stack S] [-api ID]

Prints the event API Gateway sends the route's function for the request,
as the emulator builds it: with the route key, path parameters, stage and
payload format of the API in the cloud assembly (or -template). Without
a cloud assembly at -cdk-out, the API is a lone route, "METHOD /path", on
the $default stage, of payload format -format. The route's authorizer is
not run: the event carries no identity.`

func runEvent(args []string) error {
	fl := subcommandFlags("local event", eventUsage)
	src := apiFlags(fl)
	req := requestFlags(fl)
	format := fl.String("format", "", `payload format, "2.0" or "1.0" (default: the route's; 2.0 without a cloud assembly)`)
	positional, err := parseInterspersed(fl, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		return fmt.Errorf(`want one request, "METHOD /path?query" (flags: local event -h)`)
	}
	r, err := req.build(positional[0])
	if err != nil {
		return err
	}
	explicit := false
	fl.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "cdk-out" || f.Name == "template" })
	var api *local.API
	if _, statErr := os.Stat(*src.cdkOut); explicit || statErr == nil {
		if api, err = src.load(); err != nil {
			return err
		}
	} else {
		api = loneRoute(r, *format)
		fmt.Fprintf(os.Stderr, "local event: no cloud assembly at %s: the API is one route, %s, on the $default stage\n", *src.cdkOut, api.Routes[0].Key)
	}
	event, rt, err := api.RequestEvent(r, *format)
	if err != nil {
		return err
	}
	if *format == "" {
		*format = rt.PayloadFormat
	}
	fmt.Fprintf(os.Stderr, "local event: route %s -> %s (payload %s)\n", rt.Key, rt.Function, *format)
	var out bytes.Buffer
	if err := jsonIndent(&out, event); err != nil {
		return err
	}
	_, err = os.Stdout.Write(out.Bytes())
	return err
}

// loneRoute is an API of one route, the request's method and path (or
// $default when the path cannot be a route key), on the $default stage.
func loneRoute(r *http.Request, format string) *local.API {
	key, err := route.Parse(r.Method + " " + r.URL.Path)
	if err != nil {
		key = route.Default()
	}
	if format == "" {
		format = "2.0"
	}
	return &local.API{LogicalID: "Api", Stages: []local.Stage{{Name: "$default"}},
		Routes: []local.Route{{Key: key, Function: "Function", PayloadFormat: format}}}
}

// requestSpec is a request given on the command line: its body and headers.
type requestSpec struct {
	body, bodyFile *string
	headers        multiFlag
}

func requestFlags(fl *flag.FlagSet) *requestSpec {
	r := &requestSpec{
		body:     fl.String("body", "", "the request body"),
		bodyFile: fl.String("body-file", "", "read the request body from this `file` (- for standard input)"),
	}
	fl.Var(&r.headers, "header", "a request header, `\"Name: value\"`; repeatable")
	return r
}

// build returns the request line ("GET /x?y=1") with the body and
// headers; JSON bodies get a Content-Type of application/json unless a
// header gives one.
func (s *requestSpec) build(line string) (*http.Request, error) {
	method, target, ok := strings.Cut(strings.TrimSpace(line), " ")
	target = strings.TrimSpace(target)
	if !ok || !strings.HasPrefix(target, "/") {
		return nil, fmt.Errorf(`request %q: want "METHOD /path?query"`, line)
	}
	body := []byte(*s.body)
	if *s.bodyFile != "" {
		if *s.body != "" {
			return nil, fmt.Errorf("-body and -body-file: give one")
		}
		var err error
		if *s.bodyFile == "-" {
			body, err = io.ReadAll(os.Stdin)
		} else {
			body, err = os.ReadFile(*s.bodyFile)
		}
		if err != nil {
			return nil, err
		}
	}
	r, err := http.NewRequest(strings.ToUpper(method), target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for _, h := range s.headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return nil, fmt.Errorf(`-header %q: want "Name: value"`, h)
		}
		r.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	if len(body) > 0 && r.Header.Get("Content-Type") == "" && json.Valid(body) {
		r.Header.Set("Content-Type", "application/json")
	}
	return r, nil
}

// jsonIndent writes JSON document b indented, with a final newline.
func jsonIndent(w *bytes.Buffer, b []byte) error {
	if err := json.Indent(w, b, "", "  "); err != nil {
		return err
	}
	w.WriteByte('\n')
	return nil
}
