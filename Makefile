# Kabinet: the two commands a newcomer needs are `make run` and `make test`.
GO ?= go
DEMO_DB ?= $(HOME)/.cache/kabinet/demo-portal.db

.PHONY: run test bench fuzz lint

## run: start the portal with the demo customers on http://127.0.0.1:8080
run:
	@mkdir -p $(dir $(DEMO_DB))
	$(GO) run ./cmd/kabinet-portal -demo -addr 127.0.0.1:8080 -db $(DEMO_DB)

## test: formatting, vet and every test with the race detector
test: lint
	$(GO) test -race -count=1 ./...

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

## bench: the benchmarks of docs/performance.md
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./internal/portal/ ./internal/search/ ./internal/store/ ./internal/syncer/

## fuzz: run the reading parser fuzzer for a minute
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseReading -fuzztime 60s ./internal/domain/
