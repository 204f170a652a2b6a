// The -docs flag: the API's OpenAPI document and a Swagger UI reference page, on a port of their own, whose "try it" calls reach the emulator through it.

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/httpapi-cdk/httpapi/local"
)

// docsPath is where the docs server serves the page, the document and
// Swagger UI's files; every other request goes to the emulator, so that
// the page's "try it" calls are same-origin.
const docsPath = "/__docs/"

// swaggerUIFiles are the files of swagger-ui-dist the page loads.
var swaggerUIFiles = []string{"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}

// docsPage is the reference page: Swagger UI, from the files above, on
// the document, "Try it out" on.
const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>API reference: %s</title>
<link rel="icon" href="ui/favicon-32x32.png">
<link rel="stylesheet" href="ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="ui/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#swagger-ui", deepLinking: true, tryItOutEnabled: true, displayOperationId: true});
</script>
</body>
</html>
`

// docsConfig is what the docs server serves.
type docsConfig struct {
	document []byte   // the API's OpenAPI document
	title    string   // the page's title
	stages   []string // the stages the emulator serves
	uiDir    string   // swagger-ui-dist's directory
	api      *url.URL // the emulator's base URL
}

// findDocument returns the path of the API's OpenAPI document: explicit
// when set; else, next to the cloud assembly's or the template's files,
// "<stack>.openapi.json", or the only "<stack>.*.openapi.json".
func findDocument(cdkOut, templateFile, stack, explicit string) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	dir := cdkOut
	if templateFile != "" {
		dir = filepath.Dir(templateFile)
	}
	name := strings.ReplaceAll(stack, "/", "-") // a CDK Stage's stack: "Prod/Api" is the artifact "Prod-Api"
	if p := filepath.Join(dir, name+".openapi.json"); fileExists(p) {
		return p, nil
	}
	if m, _ := filepath.Glob(filepath.Join(dir, name+".*.openapi.json")); len(m) == 1 {
		return m[0], nil
	}
	return "", fmt.Errorf("-docs: no OpenAPI document %s.openapi.json in %s (the API's document may be another stack's, such as the stack that defines the API): name it with -openapi FILE", name, dir)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// docsHandler serves, under docsPath, the reference page, the document
// (its servers replaced by the emulator's stages, relative to the page's
// origin) and Swagger UI's files, and passes every other request to the
// emulator.
func docsHandler(c docsConfig) (http.Handler, error) {
	var doc map[string]any
	if err := json.Unmarshal(c.document, &doc); err != nil {
		return nil, fmt.Errorf("-docs: the OpenAPI document is not JSON: %w", err)
	}
	var servers []map[string]string
	for _, s := range c.stages {
		u := "/"
		if s != "$default" {
			u += s
		}
		servers = append(servers, map[string]string{"url": u, "description": "Stage " + s + " of the local emulator at " + c.api.String()})
	}
	doc["servers"] = servers
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	for _, f := range swaggerUIFiles {
		if !fileExists(filepath.Join(c.uiDir, f)) {
			return nil, fmt.Errorf("-docs: Swagger UI's %s is not in %s: run `make tools` (it installs swagger-ui-dist, pinned in .tools/package.json), or name its directory with -docs-ui", f, c.uiDir)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+docsPath+"{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, docsPage, htmlEscape(c.title))
	})
	mux.HandleFunc("GET "+docsPath+"openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})
	for _, f := range swaggerUIFiles {
		mux.HandleFunc("GET "+docsPath+"ui/"+f, func(w http.ResponseWriter, r *http.Request) {
			http.ServeFile(w, r, filepath.Join(c.uiDir, f))
		})
	}
	// Everything outside docsPath goes to the emulator as the client sent
	// it: no ServeMux redirect of "//" or "..", no X-Forwarded-For added to
	// the headers API Gateway's limits count, the client's Host kept.
	proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(c.api)
		pr.Out.Host = pr.In.Host
	}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, docsPath) {
			mux.ServeHTTP(w, r) // the rest of docsPath is not the API's: 404
			return
		}
		proxy.ServeHTTP(w, r)
	}), nil
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// startDocs starts the docs server of -docs, in front of the emulator
// listening on api.
func startDocs(ctx context.Context, host string, port, docsPort int, emulator net.Listener, api *local.API, stages []string, cdkOut, templateFile, openAPIFile, uiDir string) error {
	path, err := findDocument(cdkOut, templateFile, api.Stack, openAPIFile)
	if err != nil {
		return err
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("-docs: %w", err)
	}
	if len(stages) == 0 {
		for _, s := range api.Stages {
			stages = append(stages, s.Name)
		}
	}
	if docsPort < 0 {
		docsPort = 0
		if port > 0 {
			docsPort = port + 1
		}
	}
	h, err := docsHandler(docsConfig{document: doc, title: api.Stack + " " + api.Name, stages: stages, uiDir: uiDir,
		api: &url.URL{Scheme: "http", Host: emulator.Addr().String()}})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(docsPort)))
	if err != nil {
		return fmt.Errorf("-docs: %w", err)
	}
	fmt.Fprintf(os.Stderr, "local: API reference (%s) at http://%s%s\n", path, ln.Addr(), docsPath)
	serveDocs(ctx, ln, h)
	return nil
}

// serveDocs serves h on ln until ctx is done.
func serveDocs(ctx context.Context, ln net.Listener, h http.Handler) {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(shutdown)
	}()
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "local: -docs:", err)
		}
	}()
}
