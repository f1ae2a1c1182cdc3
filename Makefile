# The README's two commands: `make serve` and `make check`. CMake does the
# building; this file only names the steps.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DIR ?= ./casc-data

.PHONY: all deps build check serve clean

all: build

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCASC_TESTS=OFF >/dev/null
	@cmake --build build/release -j $(JOBS)

# The suite twice: a -Werror build, then the same tests under ASan + UBSan.
check: deps
	@cmake -S . -B build/check -DCMAKE_BUILD_TYPE=Debug -DCASC_WERROR=ON >/dev/null
	@cmake --build build/check -j $(JOBS)
	@cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DCASC_WERROR=ON -DCASC_SANITIZE=ON >/dev/null
	@cmake --build build/asan -j $(JOBS)
	@echo "== tests (plain build) =="
	@cd build/check && ctest --output-on-failure -j $(JOBS)
	@echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer) =="
	@cd build/asan && ctest --output-on-failure -j $(JOBS)

serve: build
	@scripts/serve-demo.sh build/release/casc "$(DIR)"

clean:
	rm -rf build
