# Lifeboat — the two commands of the README's quick start, and a few conveniences.
#   make demo   install dependencies, build, run the main job (the recovery scenario)
#   make demo-sagemaker   the same, for the reference's scenario II against the fake
#               SageMaker: seed, events, a profile and then a whole domain recreated
#   make test   install dependencies, build, run every test (ctest), and each fuzz target
#               for a few seconds (the clang build in build-fuzz)
#   make fuzz   build the libFuzzer targets and run each for FUZZ_SECONDS (default 600)
#   make bench-hosts [QUICK=1]   the many-hosts benchmarks: events/s, recoveries/min and
#               the registry at scale, on SQLite and on 1 and 3 daemons over PostgreSQL
#   make bench-lists [QUICK=1]   paged lists at scale: page latency and daemon memory over
#               100,000 profiles and 1,000,000 history rows (bench/list_scale.sh)
#   make deb    the Debian package lifeboat_<version>_<arch>.deb in build/, from the built
#               `lifeboat` (scripts/build-deb.sh; README "Installing the Debian package")
#   make test-sanitize   build everything with ASan+UBSan (build-debug) and run the tests
.PHONY: all deps build build-fuzz deb test test-sanitize fuzz demo demo-sagemaker demo-copy bench bench-hosts bench-lists bench-freed-inodes lint format clean

FUZZ_SECONDS ?= 600
FUZZ_WORK ?= /tmp/lifeboat-fuzz
# ccache, when installed, for the trees these rules configure.
LAUNCHER := $(if $(shell command -v ccache),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	@cmake --preset default >/dev/null
	@cmake --build --preset default

deb: deps
	@cmake --preset default >/dev/null
	@cmake --build --preset default --target lifeboat
	@./scripts/build-deb.sh build/src/cli/lifeboat build

test: build build-fuzz
	@ctest --preset default
	@ctest --preset fuzz

build-fuzz: deps
	@cmake --preset fuzz $(LAUNCHER) >/dev/null
	@cmake --build --preset fuzz

fuzz: build-fuzz
	@./fuzz/run_all.sh build-fuzz/fuzz $(FUZZ_SECONDS) $(FUZZ_WORK)

test-sanitize: deps
	@cmake --preset debug $(LAUNCHER) >/dev/null
	@cmake --build --preset debug
	@ctest --preset debug

demo: build
	@./scripts/demo_recovery.sh build/src/cli/lifeboat

demo-sagemaker: build
	@./scripts/demo_sagemaker.sh build/src/cli/lifeboat

demo-copy: build
	@./scripts/demo.sh build/src/cli/lifeboat

bench: deps
	@./bench/run.sh

# bench/freed_inodes.sh --help
bench-freed-inodes: build
	@./bench/freed_inodes.sh

# QUICK=1: the quick mode (a few minutes); bench/many_hosts.sh --help
bench-hosts: deps
	@QUICK=$(QUICK) ./bench/many_hosts.sh

# QUICK=1: 20,000 profiles and 200,000 history rows; bench/list_scale.sh --help
bench-lists: build
	@QUICK=$(QUICK) ./bench/list_scale.sh

lint: build
	@./scripts/lint.sh format
	@./scripts/lint.sh tidy build

format:
	@./scripts/lint.sh fix

clean:
	rm -rf build build-release build-debug build-fuzz
