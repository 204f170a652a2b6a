# Two commands on a fresh machine: `make synth` and `make test`.
# Each installs what it needs: Go modules, and (from the npm registry, pinned
# in .tools/package-lock.json) the CDK CLI and a Node.js 22, which make puts
# first on PATH for the CLI and jsii. Outside make, .tools/bin/cdk does the
# same.

SHELL := /bin/bash
TOOLS := $(CURDIR)/.tools/node_modules/.bin
# cfn-lint, when the machine has none: see the cfn-lint target.
CFN_LINT_VERSION := 1.51.0
export PATH := $(TOOLS):$(CURDIR)/.tools/venv/bin:$(PATH)
# swagger-ui-dist (cmd/local -docs) depends on @scarf/scarf, whose install
# script reports to scarf.sh: off, here and in .tools/package.json.
export SCARF_ANALYTICS := false

.PHONY: all synth test test-go test-bench tools modules cfn-lint lint openapi-lint fuzz bench bench-local bench-scale local dev load clean

all: synth test

# The pinned CDK CLI and Node 22 in .tools/node_modules: see
# .tools/install-node-tools (which .tools/bin/cdk runs too, outside make).
tools:
	@.tools/install-node-tools
	@node --version | grep -q '^v22\.' || { echo "expected Node 22 from .tools on PATH, got $$(node --version)"; exit 1; }

modules:
	go mod download

# cfn-lint from PATH, or else pinned into .tools/venv (a Python virtual
# environment); fails with the reason when it cannot be installed.
cfn-lint:
	@.tools/install-cfn-lint $(CFN_LINT_VERSION)

# Synthesize the reference app through the real CDK CLI into cdk.out/:
# each stack's template, and each API's OpenAPI document.
synth: tools modules
	cdk synth --quiet
	@ls cdk.out/*.template.json cdk.out/*.openapi.json

# Check every OpenAPI document of the reference app with Spectral
# (spectral:oas), Redocly (recommended) and oapi-codegen (a generated client
# must compile), at versions pinned in .tools/openapi-lint, installed into
# a temporary directory from the npm registry and the Go module proxy. Not
# part of `make test`: it downloads about 250 npm packages each run.
openapi-lint: cdk.out/manifest.json
	.tools/openapi-lint cdk.out/*.openapi.json

# Serve the reference app on 127.0.0.1:3000 with the real handler,
# synthesizing first when a source changed. LOCALFLAGS adds flags, e.g.
# LOCALFLAGS='-stack HttpApiReferenceV1 -port 4000'.
LOCALFLAGS ?= -stack HttpApiReference
local: cdk.out/manifest.json
	go run ./cmd/local $(LOCALFLAGS)

# make local, following edits: a handler edit is rebuilt and served, an
# edit of the app's stacks or route tables synthesized and reloaded.
dev: cdk.out/manifest.json
	go run ./cmd/local -watch $(LOCALFLAGS)

cdk.out/manifest.json: $(shell git ls-files '*.go' go.mod go.sum cdk.json 2>/dev/null)
	$(MAKE) synth

# The emulator's full load test: 50 clients for 20 s.
load:
	go test ./local -count=1 -run '^TestLoad$$' -load-duration 20s -v

# The whole test suite: formatting, vet, unit, golden and construct tests,
# fuzz seed corpora, cdk-nag, policy checks, and cfn-lint over every
# template the tests synthesize. CDK_VALIDATION=false turns off aws-cdk-lib's
# built-in CloudFormation validation (1-2 s and 400 MB per synthesis; it
# does not change templates, and `make synth` runs it); it is set here
# because a test binary's jsii kernel can start before TestMain runs.
# Three jobs run at once (lint, test-go, test-bench): on 2 cores the
# suite's time is that of its longest packages, and the rest fits beside
# them. Every benchmark runs once in it, so that none can rot (make bench
# and make bench-local take the figures): the bench module's with -bench
# in test-bench, the others' by a TestBenchmarksRunOnce of their package,
# which TestEveryBenchmarkRuns requires (with -bench, go test would run
# the packages' binaries one at a time).
test: tools modules
	@$(MAKE) --no-print-directory -j3 lint test-go test-bench

# go test starts packages in the order they are named: the two longest
# first, so that neither waits behind the short ones. The parallel tests
# mostly wait (for a timeout, for processes of their own): -parallel 8
# runs more of them at once than there are cores. -ldflags=-w links the
# test binaries without DWARF (debuggers' data; stack traces keep their
# files and lines), a third less work for the 130 MB CDK ones.
test-go: cfn-lint
	CDK_VALIDATION=false go test -count=1 -parallel 8 -ldflags=-w ./test ./local ./...

# The bench module: vet, the check that every variant answers alike, and
# every benchmark once.
test-bench:
	cd bench && go vet ./... && go test -count=1 -run TestSameAnswers -bench . -benchtime 1x .

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...

# Run each fuzz target for FUZZTIME (default 5m).
FUZZTIME ?= 5m
fuzz:
	go test ./lambdahttp -run '^$$' -fuzz '^FuzzInvoke$$' -fuzztime $(FUZZTIME)
	go test ./lambdahttp -run '^$$' -fuzz '^FuzzRequestFields$$' -fuzztime $(FUZZTIME)
	go test ./lambdahttp -run '^$$' -fuzz '^FuzzServeHTTP$$' -fuzztime $(FUZZTIME)

# Benchmarks of the handler toolkit and the net/http bridge against the floor and
# aws-lambda-go-api-proxy (a separate module under bench/, so the proxy never
# becomes a dependency of the library).
# Six interleaved rounds, so that floor, toolkit, proxy and nethttp share the
# machine's drift; then each variant's median as a ratio to the floor.
bench:
	cd bench && for i in 1 2 3 4 5 6; do go test -run '^$$' -bench '^Benchmark(Get|Post|LambdaHandler)$$' -benchmem -count 1 | grep '^Benchmark'; done | tee bench.out
	cd bench && awk -f ratios.awk bench.out

# The local emulator against the floor: GET /hello on the reference app,
# the handler called in process (floor), cmd/local in closed loop with 8
# connections, and cmd/local at an offered 5,000 requests/s. Five rounds,
# each starting cmd/local afresh; then each variant's median req/s, p50
# and p99 as ratios to the floor. BENCHFLAGS adds flags, e.g.
# BENCHFLAGS='-bench-local-flags=-pin=false'.
BENCHFLAGS ?=
bench-local:
	set -o pipefail; for i in 1 2 3 4 5; do go test ./local -count=1 -run '^$$' -bench '^BenchmarkHello$$' -benchtime 25000x $(BENCHFLAGS) | grep '^Benchmark' || exit 1; done | tee bench/local.out
	awk -f bench/ratios.awk bench/local.out

# How synthesis and the emulator scale with the number of functions: apps
# of N = 1, 10 and 30 generated Go functions (each a one-route router
# behind one HTTP API, in a temporary module of their own), and for each
# the floor (one go build of all N), `cdk synth` first, again (three times
# a round, their median), and after an edit of one function, and the
# emulator's start to its first and to every route answering. SCALEFLAGS adds flags, e.g. SCALEFLAGS='-rounds 3',
# or SCALEFLAGS='-compare DIR' to measure another checkout (an older commit,
# from git archive) in the same rounds, interleaved.
SCALEFLAGS ?=
bench-scale: tools modules
	cd bench && go run ./scale -repo .. $(SCALEFLAGS)

clean:
	rm -rf cdk.out
