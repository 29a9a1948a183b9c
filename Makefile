# Kabinet: the two commands a newcomer needs are `make run` and `make test`.
GO ?= go
DEMO_DB ?= $(HOME)/.cache/kabinet/demo-portal.db

.PHONY: run portal deps tools test test-postgres bench loadtest fuzz fuzz-store lint

## run: the app on a demo portal started inside it (installs the X11/GL
## build packages Fyne needs when they are missing)
run: deps
	$(GO) run ./cmd/kabinet -demo

## portal: the demo portal alone on http://127.0.0.1:8080 (for the command line)
portal:
	@mkdir -p $(dir $(DEMO_DB))
	$(GO) run ./cmd/kabinet-portal -demo -addr 127.0.0.1:8080 -db $(DEMO_DB)

deps:
	@scripts/ensure-deps.sh

# The linters, pinned; `make lint` installs them into $(GOBIN) when missing
# or of another version (from the Go module proxy).
GOBIN := $(shell $(GO) env GOPATH)/bin
STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOCYCLO = github.com/fzipp/gocyclo/cmd/gocyclo@v0.6.0
# installed BIN PKG@VERSION: true when BIN was built from that version.
installed = $(GO) version -m $(GOBIN)/$(1) 2>/dev/null | grep -q "mod[[:space:]].*[[:space:]]$(lastword $(subst @, ,$(2)))[[:space:]]"

## tools: staticcheck and gocyclo, the versions lint uses
tools:
	@$(call installed,staticcheck,$(STATICCHECK)) || $(GO) install $(STATICCHECK)
	@$(call installed,gocyclo,$(GOCYCLO)) || $(GO) install $(GOCYCLO)

## test: the build packages the window needs (as for run), lint, and every
## test with the race detector; then, when KABINET_TEST_POSTGRES names a
## PostgreSQL database, the portal's tests again on PostgreSQL
## (export KABINET_TEST_POSTGRES=$$(scripts/postgres-test-db.sh)); then 30 s
## of fuzzing damaged store values (fuzz-store)
test: deps lint
	env -u KABINET_TEST_POSTGRES LANG=ru_RU.UTF-8 $(GO) test -race -count=1 -timeout 30m ./...
	@$(MAKE) --no-print-directory test-postgres
	@$(MAKE) --no-print-directory fuzz-store

PORTAL_PACKAGES = ./internal/portaldb/... ./internal/portal/... ./internal/portaltest/... ./internal/exchange/... ./internal/loadtest/... ./cmd/kabinet-portal/... ./internal/serviceapi/... ./internal/backoffice/... ./internal/reminders/...

## test-postgres: the portal's tests on PostgreSQL (KABINET_TEST_POSTGRES)
test-postgres:
	@if [ -z "$$KABINET_TEST_POSTGRES" ]; then \
		echo "PostgreSQL: not tested (export KABINET_TEST_POSTGRES=\$$(scripts/postgres-test-db.sh) to include it)"; \
	else \
		echo "== the portal's tests on PostgreSQL"; \
		LANG=ru_RU.UTF-8 $(GO) test -race -count=1 -timeout 30m $(PORTAL_PACKAGES); \
	fi

## lint: gofmt, go vet, staticcheck (staticcheck.conf) and no function with
## a cyclomatic complexity over 25 (tests aside: a scenario's checks are
## branches to gocyclo, not complexity)
lint: tools
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GOBIN)/staticcheck ./...
	$(GOBIN)/gocyclo -over 25 -ignore '_test\.go$$' .

## bench: the benchmarks of docs/performance.md
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./internal/portal/ ./internal/search/ ./internal/store/ ./internal/syncer/

## loadtest: the reading window of a 300 000-account supplier replayed for a
## minute against the portal over HTTP on 127.0.0.1 (SQLite; with
## KABINET_TEST_POSTGRES set, PostgreSQL); prints rates, p50/p99 and the row check
LOADTEST_FLAGS ?= -accounts 300000 -duration 60s -concurrency 16
loadtest:
	@if [ -n "$$KABINET_TEST_POSTGRES" ]; then \
		$(GO) run ./cmd/kabinet-loadtest -db "$$KABINET_TEST_POSTGRES" $(LOADTEST_FLAGS); \
	else \
		$(GO) run ./cmd/kabinet-loadtest $(LOADTEST_FLAGS); \
	fi

## fuzz-store: 30 s of changing bytes inside the values of a store with
## queued readings; the app must always start and deliver every journaled
## reading to a portal on 127.0.0.1 exactly once, as typed
fuzz-store:
	$(GO) test -run '^$$' -fuzz FuzzDamagedValue -fuzztime 30s ./internal/store/

## fuzz: run the reading parser fuzzer for a minute
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseReading -fuzztime 60s ./internal/domain/

.PHONY: dist
## dist: Windows kabinet.exe (MinGW cross-build), its NSIS installer and the
## Linux tar.xz in dist/ (installs mingw-w64 and nsis when missing)
dist:
	@scripts/ensure-deps.sh gcc-mingw-w64-x86-64 nsis xz-utils file binutils
	packaging/dist.sh
