# phprun — developer entry points. `make demo` runs phprun on a scaffolded
# example; `make test` runs every test. Both install PHP and the test tools
# from Debian when they are missing and you are root (.ci/ensure-deps).

GO        ?= go
BIN       ?= ./phprun
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X main.version=$(VERSION)

.PHONY: all build test test-go test-php demo bench lint fuzz clean

all: build

# Static, as the releases (.goreleaser.yaml): no dynamic loader at every start
# (about 90 fewer page faults per invocation; docs/benchmarks.md, "Start-up").
build:
	CGO_ENABLED=0 $(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) .

## test: vet (also for macOS, where developers run the suite too), the Go
## suite with the race detector, and the PHP runtime's PHPUnit suite.
test:
	@.ci/ensure-deps test
	$(GO) vet ./...
	GOOS=darwin $(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...
	phpunit -c php-skeleton/phpunit.xml.dist

## demo: scaffold an example project into a temp dir and run it
## (dashboard on a terminal, headless JSON logs otherwise).
demo: build
	@.ci/ensure-deps demo
	@.ci/demo $(BIN)

## bench: Go benchmarks of the hot paths, the HTTP load comparison with
## nginx + php-fpm, and the dashboard's cost under load.
bench: build
	@.ci/ensure-deps bench
	$(GO) test -run '^$$' -bench . -benchmem ./engine/... ./httpfront/...
	bash bench/http.sh $(BIN)
	bash bench/dashboard.sh $(BIN)

## lint: formatting and vet (what CI checks besides tests).
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...
	GOOS=darwin $(GO) vet ./...

## fuzz: a short run of every fuzz target.
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzReadFrame -fuzztime 30s ./engine/wire/
	$(GO) test -run '^$$' -fuzz FuzzSimpleHead -fuzztime 30s ./httpfront/internal/h1/
	$(GO) test -run '^$$' -fuzz FuzzFastVsStd -fuzztime 30s ./httpfront/internal/h1/

clean:
	rm -f $(BIN)
