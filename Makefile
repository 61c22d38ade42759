# Skranke. `make run` builds everything and starts the demo; `make test` runs
# every test. See README.md.

GO       ?= go
NPM      ?= npm
WEB_SRC  := $(shell find web/src web/demo -type f 2>/dev/null) web/agent.html web/admin.html web/widget-frame.html $(shell find web/public -type f 2>/dev/null)
WEB_DEPS := web/package.json web/package-lock.json web/vite.config.ts web/tsconfig.json $(wildcard web/build/*.ts)

.PHONY: all build run test test-go test-web test-e2e vet web clean

all: build

# node_modules is refreshed when the lock file changes.
web/node_modules/.stamp: web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund
	touch $@

# The front end is rebuilt when its sources, config or lock file change. The
# build also writes a .gz and a .br copy of each text file (web/build/precompress.ts).
web/dist/index.stamp: web/node_modules/.stamp $(WEB_SRC) $(WEB_DEPS)
	cd web && $(NPM) run build
	touch web/dist/.gitkeep $@

web: web/dist/index.stamp

build: web
	$(GO) build -o bin/skranke ./cmd/skranke

run: build
	./bin/skranke serve --demo

vet:
	$(GO) vet ./...

# PostgreSQL and NATS tests run against the local services unless told otherwise.
export SKRANKE_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
export SKRANKE_TEST_NATS ?= nats://127.0.0.1:4222

# The race detector doubles goroutines' stack guards: the test of an idle
# socket's stack (internal/apptest/stack_test.go, //go:build !race) runs
# apart, without it.
test-go: vet
	$(GO) test -race -count=1 ./...
	$(GO) test -count=1 -run '^TestIdleSocket_keepsASmallStack$$' ./internal/apptest

test-web: web/node_modules/.stamp
	cd web && $(NPM) test

# The browser tests send e-mail to a real SMTP server of their own.
bin/smtp-sink: $(shell find internal/smtpsink internal/cmd/smtp-sink -name '*.go') go.mod go.sum
	$(GO) build -o $@ ./internal/cmd/smtp-sink

# and sign customers in at a real OpenID provider of their own (secure chat).
bin/oidc-provider: $(shell find internal/oidctest internal/cmd/oidc-provider -name '*.go') go.mod go.sum
	$(GO) build -o $@ ./internal/cmd/oidc-provider

test-e2e: build bin/smtp-sink bin/oidc-provider
	cd web && $(NPM) run e2e

test: build test-go test-web test-e2e

clean:
	rm -rf bin web/dist/assets web/dist/*.html web/dist/*.js web/dist/*.json web/dist/*.gz web/dist/*.br web/dist/demo web/dist/.vite web/dist/index.stamp
