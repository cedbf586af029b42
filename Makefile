# spanscope — the commands. On a fresh machine: `make serve` to use it, `make test` to test everything.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
WASM_ENV := source scripts/wasm-env.sh
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: help setup serve build dist test test-native test-fuzz test-wasm test-browser lint fmt bench bench-native bench-browser bench-quick fuzz clean

help:
	@echo "make serve   build and serve the app at http://127.0.0.1:8080 with live rebuild (setup included)"
	@echo "make test    every test: lint, native, fuzz smoke (1 min per target), wasm, browser (setup included)"
	@echo "make dist    release static site in dist/"
	@echo "make bench   benchmarks: the model (criterion) and the browser (release site, 1k-1M spans)"
	@echo "make bench-quick   the browser benchmark at 1k-100k spans (minutes)"
	@echo "make fuzz    fuzz the importers, filter, routes and config (FUZZ_SECONDS each, default 600)"

setup:
	@scripts/setup

serve: setup
	$(WASM_ENV); trunk serve --address 127.0.0.1 --port 8080

build: setup
	$(WASM_ENV); trunk build

dist: setup
	$(WASM_ENV); trunk build --release
	@scripts/sizes dist

# Native unit and integration tests of the whole workspace, then the browser tests against the release build.
test: setup dist lint test-native test-fuzz test-wasm test-browser

test-native:
	cargo test --workspace --exclude spanscope
	cargo test -p spanscope --bins

# The fuzz smoke run (scripts/fuzz, cargo-fuzz): every target for FUZZ_SECONDS (default 60) from its corpus; fails
# on any crash, hang or OOM and prints the command that reproduces it. See README "Fuzzing".
test-fuzz:
	FUZZ_SECONDS="$(FUZZ_SECONDS)" scripts/fuzz

# The model compiled to wasm32, run in Node by wasm-bindgen-test-runner.
test-wasm:
	$(WASM_ENV); CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  cargo test -p spanscope --target wasm32-unknown-unknown --test wasm

test-browser:
	SPANSCOPE_DIST=$(CURDIR)/dist cargo test -p spanscope --test browser

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(WASM_ENV); cargo clippy -p spanscope --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt --all

# A long fuzzing run: every target for FUZZ_SECONDS (default 600 = 10 minutes each); the corpus grows across
# runs under $CARGO_TARGET_DIR/fuzz/corpus (default target/). One target: scripts/fuzz --seconds 3600 otlp.
fuzz:
	FUZZ_SECONDS="$(or $(FUZZ_SECONDS),600)" scripts/fuzz

# Every benchmark: the model's criterion benchmarks, then the browser benchmark on the release site.
bench: bench-native bench-browser

bench-native: setup
	cargo bench -p spanscope-model

# The release site in headless Chromium at 1k–1M spans in three formats (BENCH_ARGS=--quick: 1k–100k).
bench-browser: dist
	cargo bench -p spanscope --bench browser -- $(BENCH_ARGS)

bench-quick: dist
	cargo bench -p spanscope --bench browser -- --quick

clean:
	cargo clean
	rm -rf dist
