# The two commands of the README, and the targets behind them. CMake does the
# building; this file only installs what is missing and strings steps together.

BUILD        ?= build
BUILD_SAN    ?= build-sanitize
JOBS         ?= $(shell nproc)
DEMO_DIR     := $(BUILD)/demo
SUDO         := $(if $(filter 0,$(shell id -u)),,sudo)
# Debian 12 packages the build, the tests and the demo need.
DEB_PACKAGES := cmake make gcc pkg-config python3 libglib2.0-dev libwireshark-dev wireshark-dev tshark
PLUGIN_DIR_USER := $(HOME)/.local/lib/wireshark/plugins/4.0/epan
DATA_DIR_USER   := $(HOME)/.local/share/iotfp
BUILD_FUZZ   ?= build-fuzz
FUZZ_SECONDS ?= 600

.PHONY: all deps build install demo check test test-sanitize fuzz bench clean

all: build

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "Installing missing packages:" $$missing; \
	    $(SUDO) apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) -E apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BUILD)/Makefile:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

# Root's Wireshark loads only the global plugin folder; a user's also loads
# ~/.local/lib/wireshark/plugins, which needs no privileges.
install: build
ifeq ($(SUDO),)
	cmake --install $(BUILD)
else
	mkdir -p $(PLUGIN_DIR_USER) $(DATA_DIR_USER)/signatures
	install -m 0755 $(BUILD)/plugin/epan/iotfp.so $(PLUGIN_DIR_USER)/
	install -m 0644 signatures/*.sig $(DATA_DIR_USER)/signatures/ 2>/dev/null || true
	@echo "Installed $(PLUGIN_DIR_USER)/iotfp.so and signatures in $(DATA_DIR_USER)/signatures"
endif

demo: install
	mkdir -p $(DEMO_DIR)
	$(BUILD)/plugin/tools/iotfp-gen --scenario demo --seed 1 --pcap $(DEMO_DIR)/home.pcap \
	    --truth $(DEMO_DIR)/home.truth.csv --labels $(DEMO_DIR)/home.labels.csv
	tshark -G plugins | grep -q '^iotfp.so' || { echo "tshark did not load the iotfp plugin"; exit 1; }
	tshark -r $(DEMO_DIR)/home.pcap -q -z iotfp,bursts

check: test test-sanitize

test: build
	cd $(BUILD) && ctest --output-on-failure

test-sanitize: deps
	cmake -S . -B $(BUILD_SAN) -DCMAKE_BUILD_TYPE=Debug -DIOTFP_SANITIZE=ON
	cmake --build $(BUILD_SAN) -j $(JOBS)
	cd $(BUILD_SAN) && ctest --output-on-failure -L sanitize

# Benchmarks print figures to read; they never fail on timing.
bench: build
	$(BUILD)/tests/bench/bench_classify

# Coverage-guided fuzzing of every parser the project owns, FUZZ_SECONDS
# each (default 10 minutes). Needs clang and its libFuzzer runtime.
fuzz:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEB_PACKAGES) clang libclang-rt-14-dev"
	CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIOTFP_FUZZ=ON
	cmake --build $(BUILD_FUZZ) -j $(JOBS)
	@for target in $(BUILD_FUZZ)/tests/fuzz/fuzz_*; do \
	    case $$target in *_replay) continue;; esac; \
	    name=$${target##*/fuzz_}; corpus=$(BUILD_FUZZ)/corpus/$$name; \
	    mkdir -p $$corpus && cp tests/fuzz/corpus/$$name/* $$corpus/ && \
	    echo "== $$name: $(FUZZ_SECONDS) s" && \
	    $$target -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $$corpus || exit 1; \
	done

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_FUZZ)
