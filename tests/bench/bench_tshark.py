"""Speed benchmark: what the iotfp plugin costs tshark on a busy home.

Generates bench-scenario captures (iotfp-gen --scenario bench: 30 devices,
IoT bursts shaped like the bundled signatures, heartbeats, DNS, web and video)
of 100k, 1M and 5M packets, cached beside the build, and runs
    tshark -r CAPTURE -2 -T fields -e iotfp.event
with the freshly built plugin (loaded as the tests load it, iotfp_tshark.Tshark)
and again with --disable-protocol iotfp. Each run is timed (wall clock) and its
peak RSS and CPU time read from os.wait4, i.e. from that one child only. Runs
interleave the two modes (on, off, then off, on, ...) so that drift of a shared
machine and warm caches hit both alike, after one untimed run; the median of
each mode is reported, and the median of each pair's ratio with a 95%
interval for it (from 6 runs on), for wall and CPU time.

It prints figures and never fails on them: timings are for reading, not
verdicts (the issue's target: <= 10% more time and memory, goal 5%, and a
constant time per packet from 100k to 5M).

    python3 tests/bench/bench_tshark.py [--build build] [--sizes 100000,1000000,5000000]
                                        [--runs 3] [--large-runs 1] [--large 5000000]

Sizes and runs also come from the environment (IOTFP_BENCH_SIZES,
IOTFP_BENCH_RUNS, IOTFP_BENCH_LARGE_RUNS), which `make bench` passes on: a
quick look is `make bench IOTFP_BENCH_SIZES=100000 IOTFP_BENCH_RUNS=1`.

Then instructions per packet, plugin on and off, counted by valgrind's
callgrind on captures of 20k and 100k packets (--instructions,
IOTFP_BENCH_INSTRUCTIONS; empty skips it): figures that other jobs on the
machine cannot disturb, beside the wall times that they do.

Then memory per conversation inside tshark: captures of N conversations
(--conversations, IOTFP_BENCH_CONVERSATIONS; default 10000,100000), each two
UDP packets between one of 30 home devices and its own cloud address,
through `tshark -2 -T fields -e iotfp.conv`, plugin on and off; the growth
of the peak RSS difference from the smallest N to the largest, divided by
the conversations added, is what one conversation costs the plugin (its
analysis and the tree items Wireshark keeps for it).
"""
import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tshark"))
import pcap_bytes  # noqa: E402 (found through the path above)

DEFAULT_SIZES = "100000,1000000,5000000"
SEED = 1


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default="build", help="CMake build folder (default: build)")
    parser.add_argument("--sizes", default=os.environ.get("IOTFP_BENCH_SIZES", DEFAULT_SIZES),
                        help="packet counts, comma-separated (default: %s); empty: only the other figures" % DEFAULT_SIZES)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("IOTFP_BENCH_RUNS", "3")),
                        help="runs per mode and size (default: 3)")
    parser.add_argument("--large", type=int, default=5000000,
                        help="from this packet count on, use --large-runs (default: 5000000)")
    parser.add_argument("--conversations", default=os.environ.get("IOTFP_BENCH_CONVERSATIONS", "10000,100000"),
                        help="conversation counts for the memory check, comma-separated; empty: skip")
    parser.add_argument("--instructions", default=os.environ.get("IOTFP_BENCH_INSTRUCTIONS", "20000,100000"),
                        help="packet counts of the captures counted under valgrind, comma-separated "
                             "(default: 20000,100000); empty: skip")
    parser.add_argument("--large-runs", type=int, default=int(os.environ.get("IOTFP_BENCH_LARGE_RUNS", "1")),
                        help="runs per mode for large captures, which take minutes (default: 1)")
    return parser.parse_args(argv)


def setup_environment(build):
    """The variables CTest gives the tshark tests, derived from the build folder."""
    build = os.path.abspath(build)
    os.environ.setdefault("IOTFP_PLUGIN", os.path.join(build, "plugin", "epan", "iotfp.so"))
    os.environ.setdefault("IOTFP_GEN", os.path.join(build, "plugin", "tools", "iotfp-gen"))
    if "IOTFP_GLOBAL_PLUGIN_DIR" not in os.environ:
        plugindir = subprocess.run(["pkg-config", "--variable=plugindir", "wireshark"],
                                   capture_output=True, text=True).stdout.strip()
        os.environ["IOTFP_GLOBAL_PLUGIN_DIR"] = plugindir
    for variable in ("IOTFP_PLUGIN", "IOTFP_GEN"):
        if not os.path.exists(os.environ[variable]):
            sys.exit("bench_tshark: %s not found; build first (make build)" % os.environ[variable])
    return build


def world_readable(path):
    """Whether an unprivileged tshark (root runs it as 'nobody') can open path."""
    if not os.stat(path).st_mode & 0o004:
        return False
    folder = os.path.dirname(os.path.abspath(path))
    while folder != "/":
        if not os.stat(folder).st_mode & 0o001:
            return False
        folder = os.path.dirname(folder)
    return True


def readable(tshark, path):
    """path itself when tshark can open it, else a copy it can."""
    return path if world_readable(path) else tshark.readable_copy(path)


def capture(build, packets):
    """The bench capture of `packets` frames, generated once and cached."""
    folder = os.path.join(build, "bench-captures")
    os.makedirs(folder, exist_ok=True)
    os.chmod(folder, 0o755)
    path = os.path.join(folder, "bench-%d-seed%d.pcap" % (packets, SEED))
    gen = os.environ["IOTFP_GEN"]
    # Regenerate when the generator is newer than the cached capture.
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(gen):
        started = time.monotonic()
        subprocess.run([gen, "--scenario", "bench", "--seed", str(SEED), "--packets", str(packets),
                        "--pcap", path + ".tmp"], check=True)
        os.replace(path + ".tmp", path)
        print("  generated in %.1f s" % (time.monotonic() - started), flush=True)
    os.chmod(path, 0o644)
    return path


def conversations_capture(build, n):
    """n conversations of two small UDP packets each, cached like the bench captures."""
    path = os.path.join(build, "bench-captures", "conversations-%d.pcap" % n)
    if not os.path.exists(path):
        frames = []
        for i in range(n):
            device, cloud = bytes([192, 168, 1, 2 + i % 30]), bytes([52, (i >> 16) & 255, (i >> 8) & 255, i & 255])
            out = pcap_bytes.ETHER_IPV4 + pcap_bytes.ipv4(device, cloud, 17, pcap_bytes.udp((40000, 8883), 60))
            back = pcap_bytes.ETHER_IPV4 + pcap_bytes.ipv4(cloud, device, 17, pcap_bytes.udp((8883, 40000), 40))
            frames += [(i * 2000, out, None), (i * 2000 + 1000, back, None)]
        pcap_bytes.write_pcap(path + ".tmp", frames)
        os.replace(path + ".tmp", path)
    os.chmod(path, 0o644)
    return path


def conversation_memory(tshark, build, counts):
    """Peak RSS on and off at each conversation count; prints the cost per conversation."""
    print("\n== memory per conversation (tshark -2 -T fields -e iotfp.conv, 1 run per mode)", flush=True)
    deltas = []
    for n in counts:
        path = readable(tshark, conversations_capture(build, n))
        rss = {}
        for plugin_on in (True, False):
            _, _, rss[plugin_on], lines, _ = run_once(tshark, path, plugin_on, "iotfp.conv")
            if lines != 2 * n:
                sys.exit("bench_tshark: tshark printed %d lines for %d packets" % (lines, 2 * n))
        deltas.append((n, rss[True] - rss[False]))
        print("  %8d conversations: peak RSS %8.1f MiB on, %8.1f MiB off, difference %7.1f MiB"
              % (n, rss[True] / 1024, rss[False] / 1024, (rss[True] - rss[False]) / 1024), flush=True)
    if len(deltas) >= 2:
        (n0, d0), (n1, d1) = deltas[0], deltas[-1]
        print("  per conversation: %.0f bytes ((difference at %d - at %d) / %d conversations)"
              % ((d1 - d0) * 1024 / (n1 - n0), n1, n0, n1 - n0))


def bench_args(path, plugin_on, field="iotfp.event"):
    """The tshark command line every figure is measured with."""
    args = ["-r", path, "-2", "-T", "fields", "-e", field]
    return args if plugin_on else args + ["--disable-protocol", "iotfp"]


def run_once(tshark, path, plugin_on, field="iotfp.event"):
    """(wall seconds, CPU seconds, peak RSS in KiB, output lines, lines with an event) of one run.
    CPU time (user + system) is reported beside wall time: on a shared machine
    other jobs stretch wall time, far less the CPU time tshark itself used."""
    args = bench_args(path, plugin_on, field)
    out_path = os.path.join(tshark.home, "bench.out")
    err_path = os.path.join(tshark.home, "bench.err")
    with open(out_path, "w") as out, open(err_path, "w") as err:
        started = time.monotonic()
        proc = subprocess.Popen(tshark.prefix + ["tshark"] + args, env=tshark.env, cwd=tshark.home,
                                stdout=out, stderr=err)
        # wait4 gives this child's own rusage: RUSAGE_CHILDREN would be the
        # maximum over every child so far.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        with open(err_path) as err:
            sys.exit("bench_tshark: tshark %s exited %d:\n%s" % (" ".join(args), proc.returncode, err.read()))
    lines = events = 0
    with open(out_path) as out:
        for line in out:
            lines += 1
            events += line.strip() != ""
    os.unlink(out_path)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, lines, events


def bench_size(tshark, build, packets, runs):
    print("== %d packets, %d run(s) per mode" % (packets, runs), flush=True)
    path = readable(tshark, capture(build, packets))
    # Untimed: the first run after generating or reading other files pays for
    # the page cache and tshark's libraries, whichever mode it is.
    run_once(tshark, path, False)
    results = {False: [], True: []}
    for run in range(runs):
        for plugin_on in ((True, False) if run % 2 == 0 else (False, True)):
            wall, cpu, rss, lines, events = run_once(tshark, path, plugin_on)
            results[plugin_on].append((wall, rss, cpu))
            print("  run %d plugin %-3s %7.2f s wall %7.2f s CPU %8.0f MiB  %d lines, %d with an event"
                  % (run + 1, "on" if plugin_on else "off", wall, cpu, rss / 1024, lines, events), flush=True)
            if lines != packets:
                sys.exit("bench_tshark: tshark printed %d lines for %d packets" % (lines, packets))
            if plugin_on == (events == 0):
                sys.exit("bench_tshark: plugin %s but %d packets carry an event"
                         % ("on" if plugin_on else "off", events))
    median = {mode: tuple(statistics.median(row[i] for row in rows) for i in range(3))
              for mode, rows in results.items()}
    # The two runs of a pair ran back to back: their ratio cancels the slow
    # drift of a shared machine that the medians of each mode keep.
    pairs = [on[0] / off[0] for on, off in zip(results[True], results[False])]
    cpu_pairs = [on[2] / off[2] for on, off in zip(results[True], results[False])]
    return {"packets": packets, "runs": runs, "off": median[False], "on": median[True],
            "pair": statistics.median(pairs), "pair_interval": median_interval(pairs),
            "cpu_pair_interval": median_interval(cpu_pairs)}


def median_interval(values, confidence=0.95):
    """A distribution-free confidence interval for the median: the k-th
    smallest and k-th largest value, k the largest rank whose binomial tail
    keeps the coverage (Conover, Practical Nonparametric Statistics). None
    for fewer than 6 values, too few for 95%."""
    n = len(values)
    tail, k = 0.0, 0
    while True:
        tail += math.comb(n, k) / 2 ** n
        if 2 * tail > 1 - confidence:
            break
        k += 1
    if k == 0:
        return None
    ordered = sorted(values)
    return ordered[k - 1], ordered[n - k]


def instructions(tshark, path, plugin_on, first_packets=None):
    """Instructions tshark executes (valgrind's callgrind), as bench runs it, optionally on
    the first packets only (-c)."""
    args = bench_args(path, plugin_on)
    if first_packets:
        args += ["-c", str(first_packets)]
    command = tshark.prefix + ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", "tshark"] + args
    return subprocess.Popen(command, env=tshark.env, cwd=tshark.home, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def collected(proc):
    _, err = proc.communicate()
    for line in err.splitlines():
        if "Collected :" in line:
            return int(line.split(":")[-1])
    sys.exit("bench_tshark: callgrind reported no count:\n%s" % err)


def instruction_ratio(tshark, build, sizes):
    """Machine noise does not change how many instructions run: per packet, plugin on and
    off, start-up (one packet) taken away, at each size (the same per packet is linear).
    Two runs at a time, one per CPU."""
    print("\n== instructions per packet (valgrind callgrind, start-up of one packet subtracted)", flush=True)
    if shutil.which("valgrind") is None:
        print("  skipped: valgrind is not installed")
        return
    for packets in sizes:
        instructions_at(tshark, build, packets)


def instructions_at(tshark, build, packets):
    path = readable(tshark, capture(build, packets))
    whole = {plugin_on: instructions(tshark, path, plugin_on) for plugin_on in (True, False)}
    whole = {plugin_on: collected(proc) for plugin_on, proc in whole.items()}
    first = {plugin_on: instructions(tshark, path, plugin_on, 1) for plugin_on in (True, False)}
    per_packet = {plugin_on: (whole[plugin_on] - collected(proc)) / (packets - 1) for plugin_on, proc in first.items()}
    print("  %8d packets: plugin off %8.0f, on %8.0f instructions per packet: x%.3f, %.0f more"
          % (packets, per_packet[False], per_packet[True], per_packet[True] / per_packet[False],
             per_packet[True] - per_packet[False]), flush=True)


def per_packet_us(row):
    """Median wall and CPU microseconds per packet of a size's row, per mode."""
    return {"on": row["on"][0] / row["packets"] * 1e6, "off": row["off"][0] / row["packets"] * 1e6,
            "on_cpu": row["on"][2] / row["packets"] * 1e6, "off_cpu": row["off"][2] / row["packets"] * 1e6}


def report(rows):
    print()
    print("%10s %5s %9s %9s %7s %7s %10s %10s %9s %9s %7s %9s %9s %7s" % (
        "packets", "runs", "off s", "on s", "time x", "pair x", "pkt/s off", "pkt/s on", "off MiB", "on MiB",
        "mem x", "off CPU", "on CPU", "CPU x"))
    for row in rows:
        (off_s, off_kb, off_cpu), (on_s, on_kb, on_cpu) = row["off"], row["on"]
        print("%10d %5d %9.2f %9.2f %7.3f %7.3f %10.0f %10.0f %9.0f %9.0f %7.3f %9.2f %9.2f %7.3f" % (
            row["packets"], row["runs"], off_s, on_s, on_s / off_s, row["pair"], row["packets"] / off_s,
            row["packets"] / on_s, off_kb / 1024, on_kb / 1024, on_kb / off_kb,
            off_cpu, on_cpu, on_cpu / off_cpu))
    print("(time x: ratio of the medians; pair x: median of each pair's ratio)")
    for row in rows:
        for name, key in (("wall", "pair_interval"), ("CPU", "cpu_pair_interval")):
            if row[key]:
                print("%10d  95%% interval of the median pair ratio, %s: x%.3f to x%.3f"
                      % ((row["packets"], name) + row[key]))
    if len(rows) >= 2:
        print()
        print("linearity: median time per packet at each size (x: against the smallest; 1.00 is linear)")
        print("%10s %12s %12s %14s %14s %16s" % ("packets", "on us/pkt", "off us/pkt", "on CPU us/pkt",
                                                  "off CPU us/pkt", "plugin CPU us/pkt"))
        first = per_packet_us(rows[0])
        for row in rows:
            now = per_packet_us(row)
            print("%10d %7.2f x%.2f %7.2f x%.2f %9.2f x%.2f %9.2f x%.2f %16.2f" % (
                (row["packets"],) + sum(((now[key], now[key] / first[key])
                                         for key in ("on", "off", "on_cpu", "off_cpu")), ())
                + (now["on_cpu"] - now["off_cpu"],)))
    print("\nTarget: time x and mem x <= 1.10 (goal 1.05); per-packet time flat from smallest to largest.")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main(argv):
    options = parse_args(argv)
    build = setup_environment(options.build)
    import iotfp_tshark  # after setup_environment: it reads the environment
    tshark = iotfp_tshark.Tshark()
    tshark.install_bundled_data()
    print("tshark %s, plugin %s" % (
        subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.split("\n")[0],
        os.environ["IOTFP_PLUGIN"]))
    print("machine: %s, %d CPU(s), load average %.2f at start" % (cpu_model(), os.cpu_count(), os.getloadavg()[0]),
          flush=True)
    rows = []
    for packets in (int(size) for size in options.sizes.split(",") if size):
        runs = options.large_runs if packets >= options.large else options.runs
        rows.append(bench_size(tshark, build, packets, runs))
    if rows:
        report(rows)
    if options.instructions:
        instruction_ratio(tshark, build, [int(size) for size in options.instructions.split(",")])
    if options.conversations:
        conversation_memory(tshark, build, [int(n) for n in options.conversations.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
