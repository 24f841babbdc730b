# The two commands of the README, and the targets behind them. CMake does the
# building; this file only installs what is missing and strings steps together.

BUILD        ?= build
BUILD_SAN    ?= build-sanitize
JOBS         ?= $(shell nproc)
DEMO_DIR     := $(BUILD)/demo
# As root, apt-get runs as it is; as another user, through sudo.
SUDO         := $(if $(filter 0,$(shell id -u)),,sudo)
# Debian 12 packages the build, the tests and the demo need: the compiler and
# CMake; GLib, libgcrypt (miIO's AES) and Wireshark 4.0's headers to build the
# plugin; tshark to run it.
DEB_PACKAGES := cmake make gcc pkg-config python3 libglib2.0-dev libwireshark-dev wireshark-dev tshark libgcrypt20-dev
PLUGIN_DIR_USER := $(HOME)/.local/lib/wireshark/plugins/4.0/epan
DATA_DIR_USER   := $(HOME)/.local/share/iotfp
BUILD_FUZZ   ?= build-fuzz
FUZZ_SECONDS ?= 600

.PHONY: all deps build install install-profile demo demo-run deb check test test-sanitize fuzz bench clean screenshots

all: build

# Installs only what is missing, and says what and why. DEBIAN_FRONTEND goes
# through env, which works with and without sudo in front.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    if [ -n "$(SUDO)" ] && ! command -v $(SUDO) >/dev/null; then \
	        echo "make deps: these Debian packages are missing:" $$missing; \
	        echo "make deps: install them as root (apt-get install $$missing), or install sudo"; exit 1; fi; \
	    echo "make deps: installing the Debian packages that iotfp needs and this machine lacks:" $$missing; \
	    $(SUDO) apt-get update -q && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BUILD)/Makefile:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

# Root's Wireshark loads only the global plugin folder; a user's also loads
# ~/.local/lib/wireshark/plugins, which needs no privileges. The tools go on
# PATH and the data files where the plugin looks: under /usr/local as root,
# under ~/.local otherwise (CMake's install components "tools" and "data").
install: build
ifeq ($(SUDO),)
	cmake --install $(BUILD)
else
	mkdir -p $(PLUGIN_DIR_USER)
	install -m 0755 $(BUILD)/plugin/epan/iotfp.so $(PLUGIN_DIR_USER)/
	cmake --install $(BUILD) --prefix $(HOME)/.local --component tools
	cmake --install $(BUILD) --prefix $(HOME)/.local --component data
	@echo "Installed $(PLUGIN_DIR_USER)/iotfp.so, the tools in $(HOME)/.local/bin and the data files in $(DATA_DIR_USER)"
	@case ":$$PATH:" in *":$(HOME)/.local/bin:"*) ;; \
	    *) echo "Note: $(HOME)/.local/bin is not on your PATH; add it (export PATH=\"\$$HOME/.local/bin:\$$PATH\") to run iotfp-learn and the other tools by name.";; esac
endif

# The "IoT Fingerprint" configuration profile, where this user's Wireshark
# reads profiles (the same rule as Wireshark's: WIRESHARK_CONFIG_DIR, else the
# XDG folder if it exists, else a legacy ~/.wireshark). Root's Wireshark reads
# root's own. A file the user changed is kept as FILE.~N~ beside the new one;
# the window layout (recent) is never replaced.
PROFILE_NAME := IoT Fingerprint
install-profile:
	@conf="$${XDG_CONFIG_HOME:-$$HOME/.config}/wireshark"; \
	if [ -n "$$WIRESHARK_CONFIG_DIR" ]; then conf="$$WIRESHARK_CONFIG_DIR"; \
	elif [ ! -d "$$conf" ] && [ -d "$$HOME/.wireshark" ]; then conf="$$HOME/.wireshark"; fi; \
	dest="$$conf/profiles/$(PROFILE_NAME)"; mkdir -p "$$dest"; \
	for file in "profiles/$(PROFILE_NAME)"/*; do \
	    target="$$dest/$${file##*/}"; \
	    if [ ! -e "$$target" ]; then cp "$$file" "$$target"; \
	    elif [ "$${file##*/}" != recent ] && ! cmp -s "$$file" "$$target"; then \
	        cp --backup=numbered "$$file" "$$target" && echo "Updated $$target (your version kept beside it)"; fi; \
	done; \
	echo "Installed the Wireshark profile \"$(PROFILE_NAME)\" in $$dest (wireshark -C \"$(PROFILE_NAME)\")"

# The demo: a made-up home of five devices on five clouds and a gateway
# (iotfp-gen). It learns the devices' events and the gateway's actions from
# one evening's capture and its labels (iotfp-learn), then reads another
# evening of the same home, as an analyst would read a capture of theirs: the
# timeline with platforms, events, action sets and activities (two passes,
# -z iotfp,timeline), and the score against that evening's labels (iotfp-eval).
# The home is in New York (UTC-5), which the activity rules' hours need.
DEMO_TOOLS  := $(BUILD)/plugin/tools
DEMO_LEARN   = $(DEMO_TOOLS)/iotfp-learn --out $(DEMO_DIR)/signatures/$(1).sig --model $(1)
DEMO_SEEN    = $(DEMO_DIR)/evening-1.pcap $(DEMO_DIR)/evening-1.labels.csv
DEMO_READ    = -o iotfp.signature_path:$(DEMO_DIR)/signatures -o iotfp.activity_time_zone:-05:00
# The tools run $$IOTFP_TSHARK when it is set (the tests' tshark, in
# tests/tshark/test_demo.py, which runs demo-run), else tshark.
DEMO_TSHARK := $${IOTFP_TSHARK:-tshark}
demo: install install-profile
	@$(MAKE) --no-print-directory demo-run

demo-run:
	@$(DEMO_TSHARK) -G plugins | grep -q '^iotfp.so' || { echo "tshark did not load the iotfp plugin"; exit 1; }
	rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)/signatures
	@echo "== Two evenings of a made-up home, and a gateway's scenes"
	$(DEMO_TOOLS)/iotfp-gen --scenario home --seed 1 --pcap $(DEMO_DIR)/evening-1.pcap --labels $(DEMO_DIR)/evening-1.labels.csv
	$(DEMO_TOOLS)/iotfp-gen --scenario home --seed 2 --pcap $(DEMO_DIR)/evening-2.pcap --labels $(DEMO_DIR)/evening-2.labels.csv
	$(DEMO_TOOLS)/iotfp-gen --scenario tls-gateway --mix scenes --commands 40 --seed 1 --pcap $(DEMO_DIR)/hub-1.pcap --labels $(DEMO_DIR)/hub-1.labels.csv
	$(DEMO_TOOLS)/iotfp-gen --scenario tls-gateway --mix scenes --commands 8 --seed 2 --pcap $(DEMO_DIR)/hub-2.pcap --labels $(DEMO_DIR)/hub-2.labels.csv
	mergecap -w $(DEMO_DIR)/home.pcap $(DEMO_DIR)/evening-2.pcap $(DEMO_DIR)/hub-2.pcap
	@echo "== Learning the devices from the first evening"
	$(call DEMO_LEARN,kasa-plug) --device 192.168.1.23 --match 'cloud:*.tplinkra.com' --platform tplink \
	    --privacy power_on=power --privacy power_off=power $(DEMO_SEEN) | tail -n 1
	$(call DEMO_LEARN,tuya-motion) --device 192.168.1.22 --match platform:tuya --platform tuya \
	    --privacy motion=movement $(DEMO_SEEN) | tail -n 1
	$(call DEMO_LEARN,mijia-lamp) --device 192.168.1.61 --match platform:mijia --platform mijia \
	    --privacy power_on=presence --privacy set_bright=presence $(DEMO_SEEN) | tail -n 1
	$(call DEMO_LEARN,jd-purifier) --device 192.168.1.70 --match platform:joylink --platform joylink \
	    --privacy power_on=power --privacy power_off=power --privacy aqmode_on=presence $(DEMO_SEEN) | tail -n 1
	$(call DEMO_LEARN,smart-lock) --device fd00:1::31 --match 'cloud:*.iot.*.amazonaws.com' --platform aws-iot \
	    --privacy lock=door --privacy unlock=door $(DEMO_SEEN) | tail -n 1
	$(call DEMO_LEARN,hub) --actions --match cloud:api.gateway-cloud.example.com --action-padding tls12-gcm \
	    $(DEMO_DIR)/hub-1.pcap $(DEMO_DIR)/hub-1.labels.csv | tail -n 1
	@echo "== The second evening, read with what was learned"
	$(DEMO_TSHARK) -2 -q -r $(DEMO_DIR)/home.pcap $(DEMO_READ) -z iotfp,timeline
	$(DEMO_TOOLS)/iotfp-eval --signatures $(DEMO_DIR)/signatures $(DEMO_DIR)/home.pcap $(DEMO_DIR)/evening-2.labels.csv | tail -n 3

check: test test-sanitize

# A Debian package of the plugin, the tools, the data files and the profile,
# installed under /usr: apt install ./build-deb/iotfp_*.deb.
BUILD_DEB ?= build-deb
deb:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEB_PACKAGES) dpkg-dev"
	cmake -S . -B $(BUILD_DEB) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr -DIOTFP_PACKAGE_PROFILE=ON
	cmake --build $(BUILD_DEB) -j $(JOBS)
	cd $(BUILD_DEB) && cpack -G DEB

# The README's screenshots: the real Wireshark GUI under Xvfb, with the profile
# on the demo home and the freshly built plugin (screenshots/take.py). Its
# packages are only needed here, so not in DEB_PACKAGES.
SCREENSHOT_PACKAGES := wireshark-qt xvfb xauth imagemagick xdotool
screenshots: build
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEB_PACKAGES) $(SCREENSHOT_PACKAGES)"
	IOTFP_PLUGIN=$(BUILD)/plugin/epan/iotfp.so IOTFP_GEN=$(BUILD)/plugin/tools/iotfp-gen \
	IOTFP_GLOBAL_PLUGIN_DIR=$$(pkg-config --variable=plugindir wireshark) \
	    xvfb-run -a -s "-ac -screen 0 1280x900x24" python3 screenshots/take.py

# The device-type pipeline test trains with torch and scikit-learn.
test: build devtype-deps
	cd $(BUILD) && ctest --output-on-failure

test-sanitize: devtype-deps
	cmake -S . -B $(BUILD_SAN) -DCMAKE_BUILD_TYPE=Debug -DIOTFP_SANITIZE=ON
	cmake --build $(BUILD_SAN) -j $(JOBS)
	cd $(BUILD_SAN) && ctest --output-on-failure -L sanitize

# Benchmarks print figures to read; they never fail on timing. The tshark
# benchmark's captures (100k, 1M, 5M packets) are generated once into
# $(BUILD)/bench-captures; IOTFP_BENCH_SIZES=100000 IOTFP_BENCH_RUNS=1 is a quick look.
# valgrind counts instructions, which machine noise leaves alone.
IOTFP_BENCH_SIZES      ?= 100000,1000000,5000000
IOTFP_BENCH_RUNS       ?= 3
IOTFP_BENCH_LARGE_RUNS ?= 1
IOTFP_BENCH_INSTRUCTIONS ?= 20000,100000
IOTFP_BENCH_CONVERSATIONS ?= 10000,100000
bench: build
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEB_PACKAGES) valgrind"
	$(BUILD)/tests/bench/bench_classify
	$(BUILD)/tests/bench/bench_decompose
	$(BUILD)/tests/bench/bench_activity
	$(BUILD)/tests/bench/bench_core
	$(BUILD)/tests/bench/bench_device_model
	IOTFP_BENCH_SIZES=$(IOTFP_BENCH_SIZES) IOTFP_BENCH_RUNS=$(IOTFP_BENCH_RUNS) \
	    IOTFP_BENCH_LARGE_RUNS=$(IOTFP_BENCH_LARGE_RUNS) IOTFP_BENCH_CONVERSATIONS=$(IOTFP_BENCH_CONVERSATIONS) \
	    IOTFP_BENCH_INSTRUCTIONS=$(IOTFP_BENCH_INSTRUCTIONS) python3 tests/bench/bench_tshark.py --build $(BUILD)

# Coverage-guided fuzzing of every parser the project owns, FUZZ_SECONDS
# each (default 10 minutes), then 1000 corrupted captures through tshark
# (tests/tshark/test_fuzz_captures.py). Needs clang and its libFuzzer runtime.
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
	@# Then the whole plugin inside tshark, on 1000 corrupted captures.
	@$(MAKE) --no-print-directory build
	cd $(BUILD) && IOTFP_FUZZ_CAPTURES=1000 ctest -R fuzz_captures --output-on-failure

# Event signatures of the seven IoTEvent devices (../shared/data/iotevent)
# and of the tjo Schlage lock and Blink camera,
# learned from the earliest 60% of each event class so that the rest stays
# held out: tests/tshark/test_heldout_events.py scores the latest 40% with
# iotfp-eval --test-share 0.4. tshark runs the freshly built plugin as the
# tests run it (iotfp_tshark.py with-wrapper); nothing is installed. Privacy
# kinds: switching reveals power use, adjusting a lamp reveals presence.
# A model applies only to conversations identified as its platform, on its
# cloud port: a port alone is no evidence of a device (any MQTT device uses
# 8883). IoTEvent's records carry no platform evidence for the TLS devices,
# so tests that run these signatures on them pin each device to its model.
IOTEVENT_DIR    ?= ../shared/data/iotevent
TJO_DIR         ?= ../shared/data/tjo
SHFW_DIR        ?= ../shared/data/shfw
UCLOUVAIN_DIR   ?= ../shared/data/uclouvain-tplink
UCLOUVAIN_TRACES = 1724059939 1724060053 1724060140
# shfw's plug log: which steps switch the plug (on and off look alike there).
SHFW_TPLINK_STEPS = --planned-device 192.168.1.135 --planned-event On=power_on/off --planned-event Off=power_on/off \
                    --planned-event 'Alexa, turn on TP-Link plug=power_on/off' \
                    --planned-event 'Alexa, turn off TP-Link plug=power_on/off'
SIGNATURE_SHARE ?= 0.6
LEARN_SIGNATURE  = IOTFP_PLUGIN=$(BUILD)/plugin/epan/iotfp.so python3 tests/tshark/iotfp_tshark.py with-wrapper -- \
                   $(BUILD)/plugin/tools/iotfp-learn --train-share $(SIGNATURE_SHARE)
IOTEVENT_INPUT   = $(IOTEVENT_DIR)/$(1).pcap $(IOTEVENT_DIR)/$(1).labels.csv
PRIVACY_ON_OFF  := --privacy power_on=power --privacy power_off=power

.PHONY: signatures
signatures: build
	@test -d $(IOTEVENT_DIR) || { echo "make signatures: $(IOTEVENT_DIR) not found (the shared data folder sits beside the repository)"; exit 1; }
	$(LEARN_SIGNATURE) --model huawei-lamp --platform huawei-iot --match platform:huawei-iot --match port:443 --privacy power_on/off=power \
	    --privacy timer_on=power --privacy timer_off=power --privacy ds=power --privacy moshi=presence \
	    --privacy tjld=presence --privacy tjsw=presence --privacy gnhx=presence --privacy zrhx=presence \
	    --out signatures/huawei-lamp.sig $(call IOTEVENT_INPUT,huawei-lamp)
	$(LEARN_SIGNATURE) --model jd-gateway --platform joylink --match platform:joylink --match port:2002 --privacy power_on/off=power \
	    --privacy ds_on/off=power --privacy aqmode_on=presence \
	    --out signatures/jd-gateway.sig $(call IOTEVENT_INPUT,jd-gateway)
	$(LEARN_SIGNATURE) --model jd-plug --platform joylink --match platform:joylink --match port:2002 $(PRIVACY_ON_OFF) \
	    --out signatures/jd-plug.sig $(call IOTEVENT_INPUT,jd-plug)
	$(LEARN_SIGNATURE) --model smartthings-plug --platform smartthings --match platform:smartthings --match port:443 $(PRIVACY_ON_OFF) \
	    --out signatures/smartthings-plug.sig $(call IOTEVENT_INPUT,smartthings-plug)
	$(LEARN_SIGNATURE) --model smartthings-sensor --platform smartthings --match platform:smartthings --match port:443 \
	    --privacy move=movement --privacy nomove=movement --privacy water=water --privacy nowater=water \
	    --out signatures/smartthings-sensor.sig $(call IOTEVENT_INPUT,smartthings-sensor)
	@# TP-Link's plug from three sources and firmware years: IoTEvent (2019),
	@# shfw's scenario log (2023: commands and the report session each on/off
	@# sends) and uclouvain's toggles (2024), compared by TLS records so that
	@# MSS and segmentation do not matter (signatures/README.md, "Shapes").
	python3 tests/tshark/uclouvain_labels.py --data $(UCLOUVAIN_DIR) $(BUILD)/temp/uclouvain-labels
	$(LEARN_SIGNATURE) --model tplink-plug --platform tplink --match platform:tplink --match port:443 --shape messages \
	    $(PRIVACY_ON_OFF) --privacy power_on/off=power $(SHFW_TPLINK_STEPS) \
	    --out signatures/tplink-plug.sig $(call IOTEVENT_INPUT,tplink-plug) \
	    $(SHFW_DIR)/tplink-plug.wlan2.4.pcap $(SHFW_DIR)/tplink-plug.activity.txt \
	    $(foreach t,$(UCLOUVAIN_TRACES),$(UCLOUVAIN_DIR)/test/traces/$(t).pcap $(BUILD)/temp/uclouvain-labels/$(t).labels.csv)
	$(LEARN_SIGNATURE) --model tuya-plug --platform tuya --match platform:tuya --match port:8883 --privacy power_on/off=power \
	    --privacy timer_on=power --privacy ds_on/off=power \
	    --out signatures/tuya-plug.sig $(call IOTEVENT_INPUT,tuya-plug)
	@# The Schlage lock of the week-long tjo capture: the AWS IoT endpoint's
	@# prefix is the vendor's account, the same in every home, so it names the
	@# device where the platform alone (any AWS IoT device) would not.
	@test -d $(TJO_DIR) || { echo "make signatures: $(TJO_DIR) not found"; exit 1; }
	python3 tests/tshark/tjo_labels.py --data $(TJO_DIR) $(BUILD)/temp/tjo-labels
	$(LEARN_SIGNATURE) --model schlage-lock --platform aws-iot --match cloud:a30hje92j76kem.iot.*.amazonaws.com \
	    --match port:8883 --privacy lock=door --privacy unlock=door \
	    --device 192.168.1.122 --offset 1 --window 3 \
	    --out signatures/schlage-lock.sig $(TJO_DIR)/schlage-lock-01.pcap $(BUILD)/temp/tjo-labels/schlage-lock-01.labels.csv
	@# tjo's Blink camera: its labels carry minutes only (tjo_labels.py).
	$(LEARN_SIGNATURE) --model blink-camera --platform blink --match platform:blink --match port:443 --shape messages \
	    --privacy motion=presence --device 192.168.1.129 --offset 30 --window 33 \
	    --out signatures/blink-camera.sig $(TJO_DIR)/blink-cam-01.pcap $(BUILD)/temp/tjo-labels/blink-cam-01.labels.csv

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_FUZZ) $(BUILD_DEB)

# Device types from packet sequences (issue 8): the GRU the plugin runs and
# its evaluation, from the shared captures (README.md, "Device types"; code
# in tests/devtype). Training needs Debian's torch and scikit-learn,
# installed for /usr/bin/python3 (not for a python3 earlier on PATH).
SHARED_DATA      ?= ../shared/data
DEVTYPE_DIR      ?= $(BUILD)/temp/devtype
DEVTYPE_PACKAGES := python3-torch python3-sklearn python3-numpy
DEVTYPE_PYTHON   := /usr/bin/python3

.PHONY: devtype-deps devtype-data device-model devtype-eval
devtype-deps:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(DEB_PACKAGES) $(DEVTYPE_PACKAGES)"

devtype-data: devtype-deps build
	@test -d $(SHARED_DATA) || { echo "$@: $(SHARED_DATA) not found (the shared data folder sits beside the repository)"; exit 1; }
	$(DEVTYPE_PYTHON) tests/devtype/build_settings.py --data $(SHARED_DATA) --out $(DEVTYPE_DIR)

# The bundled model: every device, plain and NAT views.
device-model: devtype-data
	nice $(DEVTYPE_PYTHON) tests/devtype/train_model.py --build $(BUILD) --data-dir $(DEVTYPE_DIR) \
	    --settings plain,nat --out signatures/device-types.model

# The README's table: per-window accuracy, GRU against a random forest.
devtype-eval: devtype-data
	nice $(DEVTYPE_PYTHON) tests/devtype/evaluate.py --build $(BUILD) --data-dir $(DEVTYPE_DIR) \
	    --markdown $(DEVTYPE_DIR)/table.md
