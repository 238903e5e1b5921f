# Lifeboat — the two commands of the README's quick start, and a few conveniences.
#   make demo   install dependencies, build, run the main job (the recovery scenario)
#   make test   install dependencies, build, run every test (ctest)
.PHONY: all deps build test demo demo-copy bench lint format clean

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake --preset default >/dev/null
	@cmake --build --preset default

test: build
	@ctest --preset default

demo: build
	@./scripts/demo_recovery.sh build/src/cli/lifeboat

demo-copy: build
	@./scripts/demo.sh build/src/cli/lifeboat

bench: deps
	@./bench/run.sh

lint: build
	@./scripts/lint.sh format
	@./scripts/lint.sh tidy build

format:
	@./scripts/lint.sh fix

clean:
	rm -rf build build-release build-debug
