// Command scale measures how synthesis and the local emulator scale with
// the number of functions of an app: for apps of N generated Go functions
// (each a one-route lambdahttp router behind one HTTP API; see generate),
// it prints, in one run and interleaved:
//
//   - the floor: one go build of the N main packages, as gofunction builds
//     them (linux/arm64, -trimpath, stripped);
//   - `cdk synth` with gofunction's cache empty (first), again with
//     nothing changed, and after an edit of one function;
//   - the emulator (cmd/local): from its start to the first route
//     answering, and to every route answering, with its binary store
//     empty (every function built); then started again on the same store
//     (a restart: nothing changed, nothing linked), to every route
//     answering.
//
// The Go build cache is warm throughout (a warm-up round fills it), so
// that the figures are of this project's work, not of compiling the
// dependencies. `make bench-scale` runs it.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

// row is one app size's figures, one value per round: wall times, and
// the CPU time (user and system, of the command and the processes it
// waited for) of the floor and the syntheses, steadier on a busy machine.
type row struct {
	n                          int
	floor, first, again, edit  []time.Duration
	cpu                        [4][]time.Duration // floor, first, again, edit
	emulatorFirst, emulatorAll []time.Duration
	emulatorRestart            []time.Duration // every route answering
}

func run() error {
	sizes := flag.String("n", "1,10,30", "comma-separated numbers of functions")
	rounds := flag.Int("rounds", 1, "rounds of measures; each figure is the median")
	repo := flag.String("repo", "..", "the library's checkout")
	compare := flag.String("compare", "", "another checkout of the library (an older commit, exported) measured in the same rounds, interleaved")
	keep := flag.Bool("keep", false, "keep the generated apps and logs")
	only := flag.String("generate", "", "only write the app of the first of -n functions into this `directory`, to profile it")
	flag.Parse()
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 99 {
			return fmt.Errorf("-n: %q: want numbers from 1 to 99", s)
		}
		ns = append(ns, n)
	}
	var err error
	if cdkJSON, err = os.ReadFile(filepath.Join(*repo, "cdk.json")); err != nil {
		return err
	}
	if *only != "" {
		root, err := filepath.Abs(*repo)
		if err != nil {
			return err
		}
		return generate(*only, root, ns[0])
	}
	tmp, err := os.MkdirTemp("", "httpapi-scale-")
	if err != nil {
		return err
	}
	if *keep {
		fmt.Fprintln(os.Stderr, "scale: working in", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	var benches []*bench
	for i, dir := range []string{*repo, *compare} {
		if dir == "" {
			continue
		}
		b, err := newBench(filepath.Join(tmp, strconv.Itoa(i)), dir, ns)
		if err != nil {
			return err
		}
		benches = append(benches, b)
	}
	fmt.Fprintln(os.Stderr, "scale: warming the Go build cache")
	for _, b := range benches {
		for _, r := range b.rows {
			if err := b.warm(r.n); err != nil {
				return err
			}
		}
	}
	for round := 1; round <= *rounds; round++ {
		for i := range ns {
			for j := range benches {
				b := benches[(j+round)%len(benches)] // each first in turn
				fmt.Fprintf(os.Stderr, "scale: round %d, %d function(s), %s\n", round, ns[i], b.root)
				if err := b.measure(b.rows[i], round); err != nil {
					return err
				}
			}
		}
	}
	for _, b := range benches {
		if len(benches) > 1 {
			fmt.Printf("\n%s:\n\n", b.root)
		}
		b.print()
	}
	return nil
}

// newBench prepares the measures of the checkout repo in dir: it builds
// its cmd/local and generates its apps.
func newBench(dir, repo string, ns []int) (*bench, error) {
	root, err := filepath.Abs(repo)
	if err != nil {
		return nil, err
	}
	b := &bench{tmp: dir, root: root}
	for _, n := range ns {
		b.rows = append(b.rows, &row{n: n})
	}
	if b.goCache, err = output(root, nil, "go", "env", "GOCACHE"); err != nil {
		return nil, err
	}
	b.local = filepath.Join(dir, "local")
	if _, err := output(root, nil, "go", "build", "-o", b.local, "./cmd/local"); err != nil {
		return nil, err
	}
	for _, n := range ns {
		if err := generate(b.app(n), root, n); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// print writes b's tables and its ratios against the goals.
func (b *bench) print() {
	rows := b.rows
	fmt.Println("| N functions | one `go build` of all N (the floor) | `cdk synth` first | `cdk synth` again, nothing changed | after editing one function | emulator: start to first route answering | emulator: start to every route answering | emulator restarted: every route answering |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Printf("| %d | %s | %s | %s | %s | %s | %s | %s |\n", r.n, median(r.floor), median(r.first), median(r.again), median(r.edit), median(r.emulatorFirst), median(r.emulatorAll), median(r.emulatorRestart))
	}
	fmt.Println("\nCPU time (user + system, with the processes each command waited for):")
	fmt.Println()
	fmt.Println("| N functions | the floor | `cdk synth` first | `cdk synth` again | after editing one function |")
	fmt.Println("|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Printf("| %d | %s | %s | %s | %s |\n", r.n, median(r.cpu[0]), median(r.cpu[1]), median(r.cpu[2]), median(r.cpu[3]))
	}
	if len(rows) > 1 {
		first, last := rows[0], rows[len(rows)-1]
		fmt.Printf("\nN=%d against N=%d: synth again %.2f× (goal ≤ 1.15; %s); synth first %.2f× floor + N=%d's first (goal ≤ 1.5); emulator all routes %.2f× floor (goal ≤ 1.2; %s), first route %s (goal ≤ 2 s), restarted all routes %s\n",
			last.n, first.n,
			ratio(last.again, first.again), spread(last.again, first.again),
			float64(mid(last.first))/float64(mid(last.floor)+mid(first.first)), first.n,
			ratio(last.emulatorAll, last.floor), spread(last.emulatorAll, last.floor), median(last.emulatorFirst), median(last.emulatorRestart))
		fmt.Printf("In CPU time, N=%d against N=%d: synth again %.2f×; synth first %.2f× floor + N=%d's first\n",
			last.n, first.n, ratio(last.cpu[2], first.cpu[2]), float64(mid(last.cpu[1]))/float64(mid(last.cpu[0])+mid(first.cpu[1])), first.n)
	}
}

// bench is the state of the measures of one checkout.
type bench struct {
	root    string // the checkout
	rows    []*row
	tmp     string
	goCache string // the Go build cache, kept warm when gofunction's cache is emptied
	local   string // the cmd/local binary
}

// app is the directory of the app of n functions.
func (b *bench) app(n int) string { return filepath.Join(b.tmp, fmt.Sprintf("app%d", n)) }

// packages are the main packages of the app of n functions.
func packages(n int) []string {
	var pkgs []string
	for i := 1; i <= n; i++ {
		pkgs = append(pkgs, "./"+functionDir(i))
	}
	return pkgs
}

// warm fills the Go build cache with what the measures compile: the
// functions for Lambda and for this machine, and the CDK app itself.
func (b *bench) warm(n int) error {
	if _, _, err := b.floor(n); err != nil {
		return err
	}
	out := filepath.Join(b.tmp, "warm-host")
	if _, err := output(b.app(n), nil, "go", append([]string{"build", "-o", out + "/"}, packages(n)...)...); err != nil {
		return err
	}
	_, _, err := b.synth(n, filepath.Join(b.tmp, "warm-cache"))
	return err
}

// floor times one go build of the app's functions as gofunction builds
// them: wall and CPU time.
func (b *bench) floor(n int) (wall, cpu time.Duration, err error) {
	out := filepath.Join(b.tmp, fmt.Sprintf("floor%d", n))
	os.RemoveAll(out)
	args := append([]string{"build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w", "-tags", "lambda.norpc", "-o", out + "/"}, packages(n)...)
	return timed(b.app(n), []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"}, "go", args...)
}

// synth times `cdk synth` of the app of n functions with gofunction's
// cache in cache (the user cache directory's, under XDG_CACHE_HOME): wall
// and CPU time.
func (b *bench) synth(n int, cache string) (wall, cpu time.Duration, err error) {
	return timed(b.app(n), []string{"XDG_CACHE_HOME=" + cache, "GOCACHE=" + b.goCache}, "cdk", "synth", "--quiet")
}

// againRuns is how many times a round synthesizes again with nothing
// changed.
const againRuns = 3

// measure takes one round of r's figures.
func (b *bench) measure(r *row, round int) error {
	d, cpu, err := b.floor(r.n)
	if err != nil {
		return err
	}
	r.floor, r.cpu[0] = append(r.floor, d), append(r.cpu[0], cpu)
	cache := filepath.Join(b.tmp, fmt.Sprintf("cache%d-%d", r.n, round))
	os.RemoveAll(filepath.Join(b.app(r.n), "cdk.out"))
	for i, fig := range []*[]time.Duration{&r.first, &r.again, &r.edit} {
		if fig == &r.edit {
			if err := os.WriteFile(filepath.Join(b.app(r.n), functionDir(1), "main.go"), functionSource(1, round), 0o644); err != nil {
				return err
			}
		}
		// A synthesis with nothing changed leaves nothing changed: it is
		// taken againRuns times, and the round's figure is their median,
		// so that one slow run does not decide the round.
		runs := 1
		if fig == &r.again {
			runs = againRuns
		}
		var ds, cpus []time.Duration
		for range runs {
			d, cpu, err := b.synth(r.n, cache)
			if err != nil {
				return err
			}
			ds, cpus = append(ds, d), append(cpus, cpu)
		}
		*fig = append(*fig, mid(ds))
		r.cpu[i+1] = append(r.cpu[i+1], mid(cpus))
	}
	// The emulator's binary store is in the user cache directory: an empty
	// one, so that it builds every function, then the same again.
	store := filepath.Join(b.tmp, fmt.Sprintf("local-cache%d-%d", r.n, round))
	first, all, err := b.emulate(r.n, round, store)
	if err != nil {
		return err
	}
	r.emulatorFirst = append(r.emulatorFirst, first)
	r.emulatorAll = append(r.emulatorAll, all)
	if _, all, err = b.emulate(r.n, round, store); err != nil {
		return err
	}
	r.emulatorRestart = append(r.emulatorRestart, all)
	return nil
}

// emulate starts cmd/local on the app of n functions, with its user cache
// directory (and so its binary store) in cache, and times how long the
// first route, and then every route, takes to answer from its start.
// Every route is asked at once and again every 20 ms until it answers.
func (b *bench) emulate(n, round int, cache string) (first, all time.Duration, err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	logFile, err := os.OpenFile(filepath.Join(b.tmp, fmt.Sprintf("local%d-%d.log", n, round)), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return 0, 0, err
	}
	defer logFile.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.Command(b.local, "-port", strconv.Itoa(port))
	cmd.Dir = b.app(n)
	cmd.Env = append(os.Environ(), "GOCACHE="+b.goCache, "XDG_CACHE_HOME="+cache)
	cmd.Stdout, cmd.Stderr = io.Discard, logFile
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	answered := make([]time.Duration, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			url := fmt.Sprintf("http://127.0.0.1:%d/%s", port, functionDir(i))
			want := []byte(fmt.Sprintf("%s version", functionDir(i)))
			for ctx.Err() == nil {
				if body, ok := get(ctx, url); ok && bytes.Contains(body, want) {
					answered[i-1] = time.Since(start)
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
			mu.Lock()
			errs = append(errs, fmt.Errorf("%s never answered (see %s)", url, logFile.Name()))
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return 0, 0, errs[0]
	}
	return slices.Min(answered), slices.Max(answered), nil
}

// get returns the body of a 200 answer to GET url.
func get(ctx context.Context, url string) ([]byte, bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return body, err == nil && resp.StatusCode == http.StatusOK
}

// timed runs a command as output does and returns its wall time and the
// CPU time of it and of the processes it waited for.
func timed(dir string, env []string, name string, args ...string) (wall, cpu time.Duration, err error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var both bytes.Buffer
	cmd.Stdout, cmd.Stderr = &both, &both
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, both.Bytes())
	}
	return time.Since(start), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// output runs a command in dir with env added to this process's, and
// returns its standard output, trimmed; its error carries its output.
func output(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, both bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, &both)
	cmd.Stderr = &both
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, both.Bytes())
	}
	return strings.TrimSpace(out.String()), nil
}

// mid is the median of ds.
func mid(ds []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(ds))
	return s[len(s)/2]
}

// median formats the median of ds in seconds.
func median(ds []time.Duration) string { return fmt.Sprintf("%.1f s", mid(ds).Seconds()) }

// ratio is the ratio of the medians of a and b.
func ratio(a, b []time.Duration) float64 { return float64(mid(a)) / float64(mid(b)) }

// spread describes the ratios of a and b round by round (a[i] / b[i],
// measured in the same round): their lowest and highest, which show how
// far a median ratio can move between runs.
func spread(a, b []time.Duration) string {
	rs := make([]float64, min(len(a), len(b)))
	for i := range rs {
		rs[i] = float64(a[i]) / float64(b[i])
	}
	return fmt.Sprintf("rounds %.2f–%.2f×", slices.Min(rs), slices.Max(rs))
}
