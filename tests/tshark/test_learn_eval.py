"""iotfp-learn and iotfp-eval end to end, with the real tshark and the built
plugin: learn the signatures of the demo home's four devices from one
generated capture (seed 1), recognise the events of another (seed 2), and
check that broken inputs (labels, captures, signatures, options) end in a
message naming the culprit and a non-zero exit, never a crash."""
import os
import re
import shutil
import subprocess
import sys

import iotfp_tshark

# model, device, conversation match: one per event-producing device of the demo home.
DEMO_MODELS = [
    ("smart-plug", "192.168.1.23", "cloud:*.example.com"),
    ("motion-sensor", "192.168.1.22", "port:8883"),
    ("udp-switch", "192.168.1.30", "port:8053"),
    ("door-lock", "fd00:1::30", "port:443"),
]
PRIVACY = ["power_on=power", "power_off=power", "motion=presence", "lock=door", "unlock=door"]
MIN_EXACT = 0.9
MIN_CONTAINED = 0.95
MAX_FALSE_EVENTS = 1
EXIT_DATA_ERROR = 1
EXIT_USAGE = 2


def run(command, env):
    proc = subprocess.run(command, env=env, capture_output=True, text=True)
    # A sanitizer report or a signal is a crash, whatever the exit status says.
    if proc.returncode < 0 or "Sanitizer" in proc.stderr or "runtime error" in proc.stderr:
        sys.exit("FAIL: %s crashed (status %d):\n%s" % (" ".join(command), proc.returncode, proc.stderr))
    return proc


def results(stdout):
    """RESULT lines as {device: {key: value}}."""
    out = {}
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            fields = dict(item.split("=", 1) for item in line.split()[1:])
            out[fields.pop("device")] = fields
    return out


def readable(*paths):
    for path in paths:
        os.chmod(path, 0o644)


def learn_demo(learn, env, work, pcap, labels):
    signatures = os.path.join(work, "signatures")
    os.makedirs(signatures)
    os.chmod(signatures, 0o755)
    for model, device, match in DEMO_MODELS:
        out = os.path.join(signatures, model + ".sig")
        command = [learn, "--model", model, "--device", device, "--match", match, "--out", out, pcap, labels]
        for privacy in PRIVACY:
            command += ["--privacy", privacy]
        proc = run(command, env)
        if proc.returncode != 0:
            sys.exit("FAIL: iotfp-learn for %s exited %d:\n%s%s" % (model, proc.returncode, proc.stdout, proc.stderr))
        report = proc.stdout
        for expected in ("k = ", "expected accuracy per event", "wrote " + out):
            if expected not in report:
                sys.exit("FAIL: the iotfp-learn report for %s lacks '%s':\n%s" % (model, expected, report))
        with open(out) as f:
            text = f.read()
        if not text.startswith("# %s: event signature" % model) or "\nmodel %s\n" % model not in text:
            sys.exit("FAIL: %s does not look like the signature of %s:\n%s" % (out, model, text))
        if re.search(r"20\d\d-\d\d-\d\d", text):
            sys.exit("FAIL: %s carries a date, so `make signatures` would not be reproducible" % out)
        readable(out)
        print("learned %s: %s" % (model, report.splitlines()[-2]))
    return signatures


def check_accuracy(evaluate, env, signatures, pcap, labels):
    proc = run([evaluate, "--signatures", signatures, "--idle", pcap, labels], env)
    print(proc.stdout)
    if proc.returncode != 0:
        sys.exit("FAIL: iotfp-eval exited %d:\n%s" % (proc.returncode, proc.stderr))
    if not proc.stdout.rstrip().splitlines()[-1].startswith("RESULT device=all "):
        sys.exit("FAIL: iotfp-eval's last line is not the RESULT line for all devices")
    per_device = results(proc.stdout)
    for model, device, _ in DEMO_MODELS:
        if device not in per_device:
            sys.exit("FAIL: no RESULT line for %s (%s)" % (device, model))
    total = per_device["all"]
    labelled = int(total["labelled"])
    exact, contained, false = int(total["exact"]), int(total["contained"]), int(total["false"])
    print("seed 2 with signatures from seed 1: %d labelled events, %d exact, %d by containment, %d false events"
          % (labelled, exact, contained, false))
    if labelled < 20:
        sys.exit("FAIL: only %d labelled events were scored" % labelled)
    if exact < MIN_EXACT * labelled or contained < MIN_CONTAINED * labelled or false > MAX_FALSE_EVENTS:
        sys.exit("FAIL: want >= %.0f%% exact, >= %.0f%% by containment, <= %d false events; got %d, %d of %d, %d"
                 % (100 * MIN_EXACT, 100 * MIN_CONTAINED, MAX_FALSE_EVENTS, exact, contained, labelled, false))
    # The held-out split: scoring the latest 40% scores fewer events, and some.
    proc = run([evaluate, "--signatures", signatures, "--test-share", "0.4", pcap, labels], env)
    held_out = int(results(proc.stdout)["all"]["labelled"])
    if proc.returncode != 0 or not 0 < held_out < labelled:
        sys.exit("FAIL: --test-share 0.4 scored %d of %d labels (exit %d):\n%s"
                 % (held_out, labelled, proc.returncode, proc.stderr))


def expect_error(what, command, env, status, *needles):
    proc = run(command, env)
    if proc.returncode != status:
        sys.exit("FAIL: %s: exit %d, expected %d\n%s%s" % (what, proc.returncode, status, proc.stdout, proc.stderr))
    for needle in needles:
        if needle not in proc.stderr:
            sys.exit("FAIL: %s: the message does not say '%s':\n%s" % (what, needle, proc.stderr))
    print("%s: %s" % (what, proc.stderr.strip().splitlines()[0]))


def write(path, text, mode="w"):
    with open(path, mode) as f:
        f.write(text)
    readable(path)
    return path


def check_bad_inputs(learn, evaluate, env, work, pcap, labels, signatures):
    with open(labels) as f:
        rows = f.read().splitlines()
    base = [learn, "--model", "smart-plug", "--device", "192.168.1.23", "--out", os.path.join(work, "bad.sig")]

    bad_time = write(os.path.join(work, "bad-time.csv"),
                     "\n".join(rows[:3] + ["17:05:00,192.168.1.23,power_on"] + rows[3:]) + "\n")
    expect_error("label time not a number", base + [pcap, bad_time], env, EXIT_DATA_ERROR,
                 "bad-time.csv:4:", "17:05:00", "not a number")
    short_row = write(os.path.join(work, "short-row.csv"), "\n".join(rows[:5] + ["1700000100.5,192.168.1.23"]) + "\n")
    expect_error("labels row with a field missing", base + [pcap, short_row], env, EXIT_DATA_ERROR,
                 "short-row.csv:6:", "2 fields")
    bad_device = write(os.path.join(work, "bad-device.csv"), rows[0] + "\n1700000100.5,192.168.1.300,power_on\n")
    expect_error("labels device not an address", base + [pcap, bad_device], env, EXIT_DATA_ERROR,
                 "bad-device.csv:2:", "192.168.1.300")
    binary = write(os.path.join(work, "binary.csv"), bytes(range(256)) * 4, "wb")
    expect_error("labels file of binary junk", base + [pcap, binary], env, EXIT_DATA_ERROR, "binary.csv")
    missing = os.path.join(work, "missing.csv")
    expect_error("missing labels file", base + [pcap, missing], env, EXIT_DATA_ERROR, "missing.csv")
    expect_error("missing capture", base + [os.path.join(work, "missing.pcap"), labels], env, EXIT_DATA_ERROR,
                 "missing.pcap", "no such file")

    with open(pcap, "rb") as f:
        capture = f.read()
    garbage = write(os.path.join(work, "garbage.pcap"), b"this is not a capture\n" * 100, "wb")
    expect_error("capture tshark cannot read", base + [garbage, labels], env, EXIT_DATA_ERROR,
                 "garbage.pcap", "tshark")
    truncated = write(os.path.join(work, "truncated.pcap"), capture[:len(capture) // 2 + 7], "wb")
    expect_error("capture cut short", base + [truncated, labels], env, EXIT_DATA_ERROR, "truncated.pcap", "cut short")
    expect_error("eval on a capture tshark cannot read",
                 [evaluate, "--signatures", signatures, garbage, labels], env, EXIT_DATA_ERROR, "garbage.pcap")

    broken_folder = os.path.join(work, "broken-signatures")
    shutil.copytree(signatures, broken_folder)
    write(os.path.join(broken_folder, "zz-broken.sig"), "iotfp-signature 1\nmodel broken\nburst_gap_ms 1500\nk x\n")
    expect_error("signature file with a bad line", [evaluate, "--signatures", broken_folder, pcap, labels], env,
                 EXIT_DATA_ERROR, "zz-broken.sig:4")
    expect_error("labels with a bad time in eval",
                 [evaluate, "--signatures", signatures, pcap, bad_time], env, EXIT_DATA_ERROR, "bad-time.csv:4:")
    expect_error("a tshark without the plugin", base + ["--tshark", "/bin/false", pcap, labels], env,
                 EXIT_DATA_ERROR, "/bin/false")
    expect_error("no such tshark", base + ["--tshark", os.path.join(work, "no-tshark"), pcap, labels], env,
                 EXIT_DATA_ERROR, "no-tshark")
    expect_error("odd number of inputs", base + [pcap], env, EXIT_USAGE, "pairs")
    expect_error("window not a number", base + ["--window", "soon", pcap, labels], env, EXIT_USAGE, "--window")
    expect_error("several devices, none chosen",
                 [learn, "--model", "m", "--out", os.path.join(work, "bad.sig"), pcap, labels], env,
                 EXIT_DATA_ERROR, "--device")
    if os.path.exists(os.path.join(work, "bad.sig")):
        sys.exit("FAIL: a failed iotfp-learn run left a signature file behind")


def main():
    learn, evaluate = iotfp_tshark.tool("iotfp-learn"), iotfp_tshark.tool("iotfp-eval")
    tshark = iotfp_tshark.Tshark()
    env = dict(os.environ, IOTFP_TSHARK=tshark.wrapper_script())
    work = tshark.private_dir("work")
    train_pcap, _, _ = iotfp_tshark.generate("demo", work, seed=1)
    test_pcap, _, _ = iotfp_tshark.generate("demo", work, seed=2)
    train_labels, test_labels = train_pcap[:-len(".pcap")] + ".labels.csv", test_pcap[:-len(".pcap")] + ".labels.csv"
    readable(train_pcap, test_pcap, train_labels, test_labels)

    signatures = learn_demo(learn, env, work, train_pcap, train_labels)
    check_accuracy(evaluate, env, signatures, test_pcap, test_labels)
    check_bad_inputs(learn, evaluate, env, work, train_pcap, train_labels, signatures)
    print("PASS")


if __name__ == "__main__":
    main()
