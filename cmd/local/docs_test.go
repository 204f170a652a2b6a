package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/httpapi-cdk/httpapi/function/app"
	"github.com/httpapi-cdk/httpapi/lambdahttp"
	"github.com/httpapi-cdk/httpapi/local"
)

// TestDocsHandler checks what -docs serves: the page, the document with
// the emulated stages as servers, Swagger UI's files, and every other
// request passed on to the emulator; and that missing Swagger UI files
// are reported with the way to get them.
func TestDocsHandler(t *testing.T) {
	ui := t.TempDir()
	for _, f := range swaggerUIFiles {
		os.WriteFile(filepath.Join(ui, f), []byte("/* "+f+" */"), 0o644)
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "emulator: "+r.Method+" "+r.URL.Path)
	}))
	defer api.Close()
	u, _ := url.Parse(api.URL)
	h, err := docsHandler(docsConfig{document: []byte(`{"openapi":"3.0.3","servers":[{"url":"https://{apiId}.example"}],"paths":{}}`),
		title: "Stack <Api>", stages: []string{"$default", "dev"}, uiDir: ui, api: u})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := get("/__docs/"); code != 200 || !strings.Contains(body, "ui/swagger-ui-bundle.js") || !strings.Contains(body, "Stack &lt;Api&gt;") {
		t.Errorf("page: %d %s", code, body)
	}
	code, body := get("/__docs/openapi.json")
	var doc struct{ Servers []struct{ URL string } }
	json.Unmarshal([]byte(body), &doc)
	if code != 200 || len(doc.Servers) != 2 || doc.Servers[0].URL != "/" || doc.Servers[1].URL != "/dev" {
		t.Errorf("document: %d %s", code, body)
	}
	if code, body := get("/__docs/ui/swagger-ui.css"); code != 200 || body != "/* swagger-ui.css */" {
		t.Errorf("Swagger UI file: %d %s", code, body)
	}
	if code, _ := get("/__docs/ui/index.html"); code == 200 {
		t.Errorf("a file of the UI directory the page does not load is served")
	}
	if code, body := get("/dev/hello"); code != 200 || body != "emulator: GET /dev/hello" {
		t.Errorf("passed on: %d %s", code, body)
	}
	os.Remove(filepath.Join(ui, "swagger-ui-bundle.js"))
	if _, err := docsHandler(docsConfig{document: []byte(`{}`), uiDir: ui, api: u}); err == nil || !strings.Contains(err.Error(), "run `make tools`") {
		t.Errorf("missing Swagger UI: %v", err)
	}
}

// chromium returns the path of a headless-capable Chromium, or "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// selfTest is a page that loads the reference page in a frame (same
// origin, so its script can reach in), waits until Swagger UI has
// rendered, lists the operation ids it shows, opens GET /hello, presses
// Execute ("Try it out" is on) and writes what the emulator answered into
// #result, which Chromium's --dump-dom prints.
const selfTest = `<!doctype html><html><body style="margin:0">
<pre id="result" style="display:none">pending</pre>
<iframe id="f" src="/__docs/" style="width:1280px;height:1800px;border:0"></iframe>
<script>
const f = document.getElementById("f"), out = document.getElementById("result");
function later(fn, ms) { setTimeout(fn, ms); }
function step(n) {
  const d = f.contentDocument;
  const ops = d ? [...d.querySelectorAll(".opblock")].map(e => e.id) : [];
  if (ops.length === 0) { if (n < 200) later(() => step(n + 1), 50); else out.textContent = "no operations rendered"; return; }
  const op = d.getElementById("operations-default-getHello");
  if (!op) { out.textContent = "no getHello; ops " + ops.join(" "); return; }
  (op.querySelector("button.opblock-summary-control") || op.querySelector(".opblock-summary")).click();
  execute(d, op, ops, 0);
}
function execute(d, op, ops, n) {
  const btn = op.querySelector("button.execute");
  if (!btn) {
    const tryOut = op.querySelector("button.try-out__btn");
    if (tryOut && n === 20) tryOut.click(); // should "Try it out" be off
    if (n < 200) later(() => execute(d, op, ops, n + 1), 50); else out.textContent = "no Execute button; ops " + ops.join(" ");
    return;
  }
  btn.click();
  answer(op, ops, 0);
}
function answer(op, ops, n) {
  const st = op.querySelector(".live-responses-table tbody .response-col_status");
  const body = op.querySelector(".live-responses-table .response-col_description pre, .live-responses-table .microlight");
  if (!st) { if (n < 200) later(() => answer(op, ops, n + 1), 50); else out.textContent = "no answer"; return; }
  out.textContent = "ops " + ops.join(" ") + "\nstatus " + st.textContent.trim() + "\nbody " + (body ? body.textContent : "");
  document.title = "done";
}
f.onload = () => step(0);
</script></body></html>`

// TestDocsInBrowser serves the reference API in process (its template
// and document from test/testdata) with -docs's handler in front, and
// checks in headless Chromium that the reference page loads, lists every
// operation of the document, and that "Try it out" on GET /hello gets the
// emulator's answer. With DOCS_SCREENSHOT=file.png it also saves a
// screenshot of the page.
func TestDocsInBrowser(t *testing.T) {
	browser := chromium()
	if browser == "" {
		t.Skip("no Chromium on PATH (chromium, chromium-browser or google-chrome): the docs page is not tested in a browser; on Debian: apt-get install chromium")
	}
	uiDir := filepath.Join("..", "..", ".tools", "node_modules", "swagger-ui-dist")
	if !fileExists(filepath.Join(uiDir, "swagger-ui-bundle.js")) {
		t.Skip("no Swagger UI in .tools (run `make tools`): the docs page is not tested in a browser")
	}
	testdata := filepath.Join("..", "..", "test", "testdata")
	tpl, err := os.ReadFile(filepath.Join(testdata, "HttpApiReference.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(testdata, "HttpApiReference.openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	apis, err := local.ParseTemplate(tpl, "HttpApiReference")
	if err != nil {
		t.Fatal(err)
	}
	// Every function of the reference template runs the reference handler
	// (package function, whose router is function/app's), in process.
	handlers := map[string]lambda.Handler{}
	for _, fn := range apis[0].Functions {
		if !strings.HasSuffix(fn.GoPackage, "/httpapi/function") {
			t.Fatalf("function %s: package %s, not the reference handler's", fn.LogicalID, fn.GoPackage)
		}
		handlers[fn.GoPackage] = app.Router(&lambdahttp.Options{Logger: slog.New(slog.DiscardHandler)})
	}
	emu, err := local.New(context.Background(), apis[0], &local.Options{
		Handlers:  handlers,
		AccessLog: io.Discard, Log: io.Discard,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	api := httptest.NewServer(emu)
	defer api.Close()
	u, _ := url.Parse(api.URL)
	h, err := docsHandler(docsConfig{document: doc, title: "HttpApiReference", stages: []string{"$default", "dev"}, uiDir: uiDir, api: u})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /selftest.html", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, selfTest) })
	mux.Handle("/", h)
	docs := httptest.NewServer(mux)
	defer docs.Close()

	// Nothing but the page's own server: Chromium's background requests
	// (component updates, Google's services) off, and every host name but
	// 127.0.0.1 unresolvable, so that a page that needs the network fails.
	flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
		"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=20000", "--window-size=1280,1800"}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, browser, append(flags, "--dump-dom", docs.URL+"/selftest.html")...).Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(?s)<pre id="result"[^>]*>(.*?)</pre>`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no result in the page:\n%s", out)
	}
	result := string(m[1])
	var spec struct {
		Paths map[string]map[string]struct{ OperationID string }
	}
	json.Unmarshal(doc, &spec)
	for _, item := range spec.Paths {
		for _, op := range item {
			if !strings.Contains(result, "operations-default-"+op.OperationID) {
				t.Errorf("the page does not list %s", op.OperationID)
			}
		}
	}
	if !strings.Contains(result, "status 200") || !strings.Contains(result, "Hello") {
		t.Errorf("Try it out on GET /hello: %s", result)
	}
	if shot := os.Getenv("DOCS_SCREENSHOT"); shot != "" {
		if out, err := exec.CommandContext(ctx, browser, append(flags, "--screenshot="+shot, docs.URL+"/selftest.html")...).CombinedOutput(); err != nil {
			t.Errorf("screenshot: %v\n%s", err, out)
		}
	}
}
