# trailwatch: `make demo` runs the main job on an embedded default,
# `make test` runs everything CI runs. `make help` lists the targets.

GO      ?= go
BIN     := bin/trailwatch
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: help build demo screenshot test test-setup test-go test-rego test-fuzz fmt report-inputs bench bench-hostile fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/trailwatch
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/trailwatch

demo: build ## moto + the benchmark's remediation: collect, evaluate (PASS); stop logging; again (FAIL)
	@$(GO) run ./internal/demo $(BIN)

test: test-setup test-go test-rego test-fuzz ## everything CI runs

# What the tests check with, installed when missing, from Debian's
# packages: shellcheck for the scripts trailwatch remediate writes, and
# chromium, in which the HTML report is read. moto, the aws CLI and
# cfn-lint (which moto's CloudFormation brings) are on every machine of
# this project; a test that needs one fails when it is missing.
test-setup: ## install what the tests check with, when missing (Debian's shellcheck and chromium)
	@set -e; SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	for need in shellcheck:shellcheck chromium:chromium; do \
		cmd=$${need%%:*}; pkg=$${need#*:}; \
		command -v $$cmd >/dev/null && continue; \
		echo "installing $$pkg (Debian's package)"; \
		$$SUDO apt-get install -y -q $$pkg >/dev/null 2>&1 || { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q $$pkg >/dev/null; }; \
		command -v $$cmd >/dev/null || { echo "$$pkg is missing and could not be installed" >&2; exit 1; }; \
	done

# The README's picture of the HTML report: the organization example,
# rendered by headless Chromium.
screenshot: build test-setup ## docs/report.png, the HTML report of the organization example, from headless Chromium
	@mkdir -p docs
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	$(BIN) evaluate --format html -o $$tmp/report.html snapshots/organization.json >/dev/null || test -s $$tmp/report.html; \
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir=$$tmp/profile --hide-scrollbars \
		--window-size=1280,900 --screenshot=$$PWD/docs/report.png file://$$tmp/report.html 2>/dev/null; \
	test -s docs/report.png && echo "wrote docs/report.png"

# build and vet first: they compile every package once, and the tests that
# build the binary or vet the tree then find it in the cache. On a machine
# with an empty build cache this halves the time make test takes. A test
# that hangs fails its package after 5 minutes (the slowest, engine, takes under 2)
# instead of Go's default 10.
# FuzzEvaluate's corpus (a hundred mutated accounts, each judged by every
# control) is left to test-fuzz, which runs it without the race detector:
# under it the corpus cost over a minute and found nothing the concurrent
# tests of internal/engine do not. Fuzzing it for new inputs is slow to
# start (every input of the corpus is judged first), so it is left to
# make fuzz.
# Tests that judge many snapshots on one goroutine run without the race
# detector, which made them four to five times slower: the golden and
# script tests of the command line (every example through evaluate and
# remediate, the CLI's behaviour in txtar scripts), and the engine's
# single-threaded checks of every benchmark pattern and of the chain's
# cost, of results read directly and of paths shared through input.others,
# the diff's cases and the synthetic organization's verdicts. What runs concurrently is the engine's, and its own tests of it
# (TestOrganizationReuseAndParallel and others) run under the detector.
# The engine's checks of policies it refuses run without it too (each
# compiles a tree of policies on one goroutine: ten seconds under it).
NORACE_CLI    := ^(TestEvaluateGolden|TestRemediateGolden|TestScripts)$$
NORACE_LOADING := ^(TestPolicyErrors|TestOwnInputMayBeMemoized)$$
NORACE_JUDGING := ^(TestBenchmarkPatternsPassTheirControls|TestChainCostIsLinear|TestEvidenceChanges|TestSynthesizedOrganization|TestDistinctOrganizationReuse|TestNamesOnlyWhereNothingElseReadsThem|TestReuseKeepsTheOrderOfAccountIDs|TestTwinsWhoseNamesMatter|TestDecodeResultAsJSON|TestSharedPathsAsJudgedAlone)$$
test-go: build ## Go tests with the race detector (includes gofmt, vet, tidy and import checks)
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 5m -skip '^FuzzEvaluate$$|$(NORACE_CLI)|$(NORACE_JUDGING)|$(NORACE_LOADING)' ./...
	$(GO) test -count=1 -timeout 5m -run '$(NORACE_CLI)|$(NORACE_JUDGING)|$(NORACE_LOADING)' ./cmd/trailwatch ./internal/engine ./internal/diff ./internal/synth

test-rego: build ## the policies' Rego unit tests, through trailwatch itself
	$(BIN) policy test
	$(BIN) policy fmt policies

test-fuzz: ## short fuzz runs of what parses untrusted text; the controls on the corpus of mutated accounts
	$(GO) test -run '^$$' -fuzz '^FuzzParseMatch$$' -fuzztime 6s -fuzzminimizetime 2s ./internal/filterpattern
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeEvent$$' -fuzztime 3s -fuzzminimizetime 2s ./internal/filterpattern
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime 4s -fuzzminimizetime 2s ./internal/snapshot
	$(GO) test -run '^$$' -fuzz '^FuzzScanner$$' -fuzztime 3s -fuzzminimizetime 2s ./internal/strictjson
	$(GO) test -count=1 -run '^FuzzEvaluate$$' ./internal/engine

fmt: ## format Go and Rego
	gofmt -w .
	$(GO) run ./cmd/trailwatch policy fmt -w policies

# The renderers' goldens are drawn from frozen reports, so that a change
# of wording in a policy rewrites evaluate's goldens and no others. After a
# change meant to show in every format, refresh them here, then the
# renderers' goldens with go test ./internal/report -update.
REPORT_INPUTS := internal/report/testdata/input
report-inputs: ## refresh the frozen reports the renderers' goldens are drawn from
	$(GO) build -ldflags '-X main.version=test' -o bin/trailwatch-test ./cmd/trailwatch
	@set -e; run() { out=$(REPORT_INPUTS)/$$1.json; shift; rm -f $$out; \
		bin/trailwatch-test evaluate --format json -o $$out "$$@" || test -s $$out; }; \
	run pass snapshots/compliant.json; \
	run fail snapshots/broken-logging-stopped.json; \
	run error snapshots/error-alarms-unreadable.json; \
	run organization snapshots/organization.json; \
	run waived --waivers $(REPORT_INPUTS)/waivers.yaml --today 2026-11-25 snapshots/broken-logging-stopped.json
	rm -f bin/trailwatch-test

bench: build ## benchmarks, printed as ratios: organizations of 1,000 and 10,000 accounts (alike, distinct), collect against moto at 100 ms a call, the pattern engine, evaluation, reports
	$(GO) run ./internal/bench/org -sizes 1000,10000 $(BIN)
	$(GO) test -run '^$$' -bench CollectScaling -benchtime 1x ./internal/e2e
	$(GO) test -run '^$$' -bench . -benchmem ./internal/filterpattern ./internal/engine ./internal/report

# BASE is the commit to compare with: the last one before the hardening of
# the chain and of regular expressions.
BASE ?= 897d290
# HOSTILE passes flags to the tool, e.g. HOSTILE="-run regex".
bench-hostile: build ## whole evaluate runs on snapshots built to cost time or memory: this tree against BASE (slow: minutes)
	@d=$$(mktemp -d) && trap 'git worktree remove --force '"$$d"'/src 2>/dev/null; rm -rf '"$$d" EXIT && \
	git worktree add -q --detach $$d/src $(BASE) && \
	(cd $$d/src && $(GO) build -o $$d/trailwatch-$(BASE) ./cmd/trailwatch) && \
	$(GO) run ./internal/bench/hostile $(HOSTILE) $(BIN) $$d/trailwatch-$(BASE)

fuzz: ## long fuzz runs of the filter-pattern engine and of the controls on mutated accounts (FUZZTIME=10m each)
	$(GO) test -run '^$$' -fuzz '^FuzzParseMatch$$' -fuzztime $(or $(FUZZTIME),10m) ./internal/filterpattern
	$(GO) test -run '^$$' -fuzz '^FuzzEvaluate$$' -fuzztime $(or $(FUZZTIME),10m) ./internal/engine

clean: ## remove build output
	rm -rf bin
