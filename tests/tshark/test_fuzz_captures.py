"""Capture fuzzing, Wireshark's own recipe: corrupt captures with editcap (-E,
random bytes; -s, truncated packets) and dissect every copy with the built
plugin under WIRESHARK_DEBUG_WMEM_OVERRIDE=strict (wmem checks every block)
and WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 (a DISSECTOR_ASSERT aborts instead of
marking the packet), once in a single pass and once with -2.

Inputs: the "demo" and "miio" homes of iotfp-gen, a short "bench" home
(web, video, DNS and TLS beside the IoT traffic) and, when present, every
*.pcap under IOTFP_SHARED_DATA. IOTFP_FUZZ_CAPTURES copies in all (default
40, so that `make check` stays quick; `make fuzz` runs 1000), spread over the
inputs round-robin. Copy i uses editcap --seed i, so a run is reproducible.

A failure is a crash (killed by a signal, or exit code >= 128 as under a
sanitizer), a "dissector bug" or ERROR line on stderr, output that is not
UTF-8, or a hang (no end within RUN_TIMEOUT_S). The failing copy is kept and
rerun with iotfp, then with all of our protocols, disabled; the test fails
unless the failure stays with all of them off, i.e. lies in Wireshark
itself, which is reported but cannot be fixed here."""
import concurrent.futures
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import iotfp_tshark

DEFAULT_COPIES = 40
BENCH_PACKETS = 5000
# The largest shared capture (4 MB) takes 5-6 s per run in a normal build;
# ASan and UBSan slow tshark a few times.
RUN_TIMEOUT_S = 60
DEBUG_ENV = {"WIRESHARK_DEBUG_WMEM_OVERRIDE": "strict", "WIRESHARK_ABORT_ON_DISSECTOR_BUG": "1"}
OUR_PROTOCOLS = ("iotfp", "miio", "joylink", "tuya")
FIELDS = ("iotfp.burst", "iotfp.event", "iotfp.platform", "miio.length", "joylink.crc", "tuya.cmd")
# The token of the "miio" scenario's plug, so that corrupted ciphertexts and
# checksums reach the decryption code rather than stopping at "no token".
MIIO_TOKEN = ["-o", 'uat:miio_tokens:"123456789","000102030405060708090a0b0c0d0e0f"']
# The first rounds over the inputs try every kind of damage on every input;
# truncation is deterministic, so later rounds only vary the random bytes.
# "-o 42" spares an Ethernet + IPv4 + UDP header, so that conversations stay
# whole and the corruption lands in the payloads the dissectors parse.
FIRST_ROUNDS = (["-E", "0.01"], ["-s", "60"], ["-E", "0.05"], ["-s", "100"], ["-E", "0.001"])
LATER_ROUNDS = (["-E", "0.001"], ["-E", "0.01"], ["-E", "0.05"], ["-E", "0.02", "-o", "42"])
BUG_LINE = re.compile(r"dissector bug|\bERROR\b", re.IGNORECASE)


def inputs(tshark):
    workdir = tshark.private_dir("inputs")
    found = [iotfp_tshark.generate(scenario, workdir)[0] for scenario in ("demo", "miio")]
    # The benchmark's home, short: web, video, DNS and TLS beside the IoT traffic.
    bench = os.path.join(workdir, "bench-%d.pcap" % BENCH_PACKETS)
    subprocess.run([os.environ["IOTFP_GEN"], "--scenario", "bench", "--seed", "1", "--packets", str(BENCH_PACKETS),
                    "--pcap", bench], check=True, capture_output=True)
    found.append(bench)
    shared = os.environ.get("IOTFP_SHARED_DATA", "")
    if shared and os.path.isdir(shared):
        found += sorted(glob.glob(os.path.join(shared, "**", "*.pcap"), recursive=True))
    else:
        print("SKIP shared captures: %s not found (the shared data folder sits beside the repository); "
              "fuzzing the generated captures only" % (shared or "IOTFP_SHARED_DATA"))
    return found


def damage(index, n_inputs):
    """editcap options of copy `index`: input index % n_inputs, in round index // n_inputs."""
    which, round_ = index % n_inputs, index // n_inputs
    if round_ < len(FIRST_ROUNDS):
        options = FIRST_ROUNDS[(which + round_) % len(FIRST_ROUNDS)]
    else:
        options = LATER_ROUNDS[(which + round_) % len(LATER_ROUNDS)]
    return options + ["--seed", str(index)] if "-E" in options else options


def tshark_runs(copy):
    """The two dissections of a copy: a single pass printing the plugin's fields
    and its tap, and -2 with every item built (-V) but nothing printed (a
    display filter no packet matches), which keeps the output small."""
    fields = ["-T", "fields"] + [arg for field in FIELDS for arg in ("-e", field)]
    return [["-r", copy] + MIIO_TOKEN + fields + ["-z", "iotfp,bursts"],
            ["-r", copy, "-2"] + MIIO_TOKEN + ["-V", "-Y", "frame.number == 0"]]


def failure(tshark, args):
    """Why this tshark run failed, or None."""
    try:
        proc = tshark.run(args, check=False, extra_env=DEBUG_ENV, timeout=RUN_TIMEOUT_S)
    except SystemExit as timeout:  # the harness exits on a timeout; here it is a finding
        return "hang: %s" % str(timeout).replace("FAIL: ", "")
    except UnicodeDecodeError as error:
        return "output is not UTF-8: %s" % error
    if proc.returncode < 0 or proc.returncode >= 128:
        return "crash: exit code %d\n%s" % (proc.returncode, tail(proc.stderr))
    bugs = [line for line in proc.stderr.splitlines() if BUG_LINE.search(line)]
    if bugs:
        return "dissector bug / wmem error (exit code %d):\n%s" % (proc.returncode, "\n".join(bugs[:20]))
    return None


def tail(text, lines=30):
    return "\n".join(text.splitlines()[-lines:])


def fuzz_one(tshark, workdir, source, index, options):
    """Makes copy `index` of source and dissects it; returns a failure record or None.
    A copy that passes is deleted at once: 1000 copies of the larger captures fill gigabytes."""
    tag = "".join(options).replace("--seed", "seed").replace("-", "")
    copy = os.path.join(workdir, "%04d-%s-%s.pcap" % (index, os.path.splitext(os.path.basename(source))[0], tag))
    editcap = ["editcap"] + options + [source, copy]
    iotfp_tshark.run_tool(editcap)
    os.chmod(copy, 0o644)
    for args in tshark_runs(copy):
        why = failure(tshark, args)
        if why:
            blamed, ours = blame(tshark, args)
            return {"copy": copy, "editcap": editcap, "args": args, "why": why, "blame": blamed, "ours": ours}
    os.remove(copy)
    return None


def blame(tshark, args):
    """Reruns a failing dissection with our protocols disabled to tell whose bug it is."""
    if not failure(tshark, args):
        return "unclear: it did not fail again on a rerun (flaky; a hang may be machine load)", True
    if not failure(tshark, args + ["--disable-protocol", "iotfp"]):
        return "iotfp: it passes with --disable-protocol iotfp", True
    everything_off = [arg for name in OUR_PROTOCOLS for arg in ("--disable-protocol", name)]
    if not failure(tshark, args + everything_off):
        return "our dissectors (miio, joylink, tuya): it passes with all of %s disabled" % ", ".join(
            OUR_PROTOCOLS), True
    return "Wireshark itself: it fails with all of %s disabled" % ", ".join(OUR_PROTOCOLS), False


def keep(tshark, record, keep_dir):
    """Moves the failing copy out of the throwaway HOME and prints how to reproduce it."""
    kept = os.path.join(keep_dir, os.path.basename(record["copy"]))
    shutil.move(record["copy"], kept)
    args = [kept if arg == record["copy"] else arg for arg in record["args"]]
    source = record["editcap"][-2]
    if source.startswith(tshark.home):  # a generated input: it goes with the throwaway HOME
        source = shutil.copy(source, keep_dir)
    editcap = record["editcap"][:-2] + [source, kept]
    env = " ".join("%s=%s" % item for item in sorted(DEBUG_ENV.items()))
    print("FAIL: %s\n  %s\n  blame: %s\n  kept: %s\n  made by: %s\n"
          "  reproduce (tshark loading this build's iotfp.so, e.g. after `make install`, as a non-root user):\n"
          "    %s tshark %s" % (os.path.basename(kept), record["why"].replace("\n", "\n    "), record["blame"],
                                kept, shlex.join(editcap), env, shlex.join(args)))


def main():
    try:
        copies = int(os.environ.get("IOTFP_FUZZ_CAPTURES", DEFAULT_COPIES))
    except ValueError:
        copies = 0
    if copies < 1:
        sys.exit("FAIL: IOTFP_FUZZ_CAPTURES must be a positive whole number, not %r"
                 % os.environ["IOTFP_FUZZ_CAPTURES"])
    tshark = iotfp_tshark.Tshark()
    sources = inputs(tshark)
    workdir = tshark.private_dir("copies")
    print("Fuzzing %d copies of %d captures, each dissected in one pass and with -2" % (copies, len(sources)))
    failures = []
    done = 0
    # tshark runs single-threaded: one run per processor keeps the loop short.
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        jobs = [pool.submit(fuzz_one, tshark, workdir, sources[index % len(sources)], index,
                            damage(index, len(sources))) for index in range(copies)]
        for job in concurrent.futures.as_completed(jobs):
            done += 1
            if job.result():
                failures.append(job.result())
            if done % 100 == 0 or done == copies:
                print("%d/%d copies, %d failing" % (done, copies, len(failures)), flush=True)
    if failures:
        keep_dir = tempfile.mkdtemp(prefix="run-", dir=ensure_dir(os.environ.get(
            "IOTFP_FUZZ_KEEP", os.path.abspath("fuzz-captures-failed"))))
        for record in sorted(failures, key=lambda record: record["copy"]):
            keep(tshark, record, keep_dir)
    ours = [record for record in failures if record["ours"]]
    print("%d copies, %d tshark runs: %d failing (%d not in Wireshark itself)"
          % (copies, 2 * copies, len(failures), len(ours)))
    if ours:
        sys.exit("FAIL: %d of %d corrupted captures broke tshark with the plugin" % (len(ours), copies))
    print("PASS: %d corrupted captures, no crash or hang with the plugin" % copies)


def ensure_dir(path):
    os.makedirs(path, exist_ok=True)
    return path


if __name__ == "__main__":
    main()
