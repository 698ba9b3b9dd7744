# Two commands do everything on a fresh Debian 12 machine:
#   make run    build and run the server on its embedded defaults (http://127.0.0.1:8080)
#   make test   build and pass every test (unit, end-to-end with real clients)
# Missing Debian and npm packages are installed by scripts/install-deps.sh (needs root or sudo).

# ccache keyed on paths relative to the checkout, so a fresh clone elsewhere (CI) reuses what an
# earlier build on this machine compiled.
export CCACHE_BASEDIR  := $(CURDIR)
export CCACHE_NOHASHDIR := 1
export CCACHE_MAXSIZE  ?= 10G

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=
HEADROOM   := $(BUILD)/src/app/headroom

.PHONY: all deps deps-build build run test unit e2e asan test-asan test-tsan fuzz bench bench-http bench-smoke format tidy clean

all: build

deps-build:
	@scripts/install-deps.sh build

deps:
	@scripts/install-deps.sh test

$(BUILD)/build.ninja: | deps-build
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS)

build: deps-build $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS)

run: build
	$(HEADROOM) serve

test: deps build
	scripts/run-tests.sh $(BUILD)

unit: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) -L unit

e2e: deps build
	HEADROOM_BIN=$(abspath $(HEADROOM)) scripts/run-e2e.sh

# AddressSanitizer + UndefinedBehaviorSanitizer build of everything, unit and end-to-end tests.
$(ASAN_BUILD)/build.ninja: | deps-build
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEADROOM_SANITIZE=ON $(CMAKE_ARGS)

asan: deps-build $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD) -j $(JOBS)

test-asan: deps asan
	scripts/run-tests.sh $(ASAN_BUILD)

# ThreadSanitizer on the code shared between threads: cache, limiter, admission, metrics.
TSAN_TESTS := cache_test ratelimit_test server_test metrics_test observe_alerts_test core_test ops_test \
  storage_test docs_test channels_test pusher_test
test-tsan: deps-build
	cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEADROOM_TSAN=ON $(CMAKE_ARGS)
	ninja -C build-tsan -j $(JOBS) $(TSAN_TESTS)
	set -e; for t in $(TSAN_TESTS); do \
	  bin=$$(find build-tsan/src -name $$t -type f -perm -u+x | head -1); \
	  echo "== tsan $$t"; TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" $$bin --gtest_brief=1 --gtest_filter='-*Million*'; \
	done

fuzz: deps
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DHEADROOM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	ninja -C build-fuzz -j $(JOBS) fuzzers
	scripts/run-fuzz.sh build-fuzz $${FUZZ_SECONDS:-20}

bench-http: build
	@scripts/install-deps.sh bench
	bench/http_vs_nginx.sh $(HEADROOM)

bench-smoke: build
	bench/smoke.sh $(HEADROOM)

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

tidy: build
	git ls-files 'src/*.cpp' | xargs clang-tidy -p $(BUILD) --quiet

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
