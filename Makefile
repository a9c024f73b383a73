# gonvme — see README.md. `make demo` runs it for real; `make test` runs every test.
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.0.0-dev)
COMMIT ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
# urfave_cli_no_docs leaves out urfave/cli's Markdown/man generators (and the
# Markdown library they pull in): gonvme writes its own manual pages
# (internal/tools/gendocs), and the smaller binary starts faster.
GO_TAGS ?= urfave_cli_no_docs
BIN := bin
export GOTOOLCHAIN ?= local
# Modules outside the main one that use only gonvme's public packages.
CONSUMERS := examples/attach test/publicapi

.PHONY: all build test unit e2e readme-matrix demo bench fuzz vet fixtures clean deps
all: build

deps:
	@command -v $(GO) >/dev/null || { echo "Go is required (https://go.dev/dl)"; exit 1; }
	$(GO) mod download

build: deps
	CGO_ENABLED=0 $(GO) build -trimpath -tags '$(GO_TAGS)' -ldflags '$(LDFLAGS)' -o $(BIN)/gonvme ./cmd/gonvme

# Guest-side binaries: gonvme, the e2e test binary and the target builder, all static.
guest-bins: build
	CGO_ENABLED=0 $(GO) test -c -tags e2e -trimpath -o $(BIN)/e2e.test ./internal/e2e
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/vmtarget ./internal/vmtest/cmd/vmtarget
	cd examples/attach && CGO_ENABLED=0 $(GO) build -trimpath -o ../../$(BIN)/attach .

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...
	$(GO) vet -tags e2e ./internal/e2e
	GOOS=darwin $(GO) build ./...
	GOOS=windows $(GO) build ./...
	for m in $(CONSUMERS); do (cd $$m && $(GO) vet ./...) || exit 1; done

# Unit tests (race detector on), then fuzz targets briefly, then the real-kernel suite.
unit: deps
	$(GO) test -race -count=1 ./...
	for m in $(CONSUMERS); do (cd $$m && $(GO) test -race -count=1 ./...) || exit 1; done

test: vet unit fuzz e2e

e2e: guest-bins
	KERNEL='$(KERNEL)' bash internal/vmtest/e2e.sh

# README's kernel × nvme-cli table from the last whole 'make e2e'.
readme-matrix:
	bash internal/vmtest/readme-matrix.sh

demo: guest-bins
	bash internal/vmtest/demo.sh

FUZZTIME ?= 5s
# A crasher fails at once (and is written to testdata/fuzz). A run that ends
# in "context deadline exceeded" with no failing input is the fuzzing
# engine missing its own deadline on a busy machine: it is run once more.
fuzz: deps
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
	    ok=0; for try in 1 2; do \
	      if $(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) $$pkg >/tmp/gonvme-fuzz.log 2>&1; then ok=1; break; fi; \
	      grep -q 'context deadline exceeded' /tmp/gonvme-fuzz.log && ! grep -q 'Failing input written' /tmp/gonvme-fuzz.log || break; \
	      echo "fuzz $$f: the fuzzing engine timed out at the end of its run without a failing input (a known go test -fuzz flake); once more"; \
	    done; \
	    [ $$ok = 1 ] || { cat /tmp/gonvme-fuzz.log; exit 1; }; \
	  done; \
	done; echo "fuzz: all targets ran for $(FUZZTIME) each without a crasher"

clean:
	rm -rf $(BIN) dist

-include Makefile.vm
-include Makefile.pkg
-include Makefile.bench
