"""The iotfp preferences change the analysis as documented, and bad values
give a clear message and keep what was in force, without a crash."""
import sys
import tempfile

import iotfp_tshark

FIELDS = ["frame.number", "iotfp.device", "iotfp.cloud", "iotfp.scope", "iotfp.conv", "iotfp.burst"]
failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


def summary(rows):
    bursts = {r["iotfp.burst"] for r in rows if r["iotfp.burst"]}
    convs_with_bursts = {r["iotfp.conv"] for r in rows if r["iotfp.burst"]}
    devices = {r["iotfp.device"] for r in rows if r["iotfp.device"]}
    return bursts, convs_with_bursts, devices


def main():
    tshark = iotfp_tshark.Tshark()
    with tempfile.TemporaryDirectory() as work:
        capture, truth, _ = iotfp_tshark.generate("demo", work)
        default = tshark.fields(capture, FIELDS)
        bursts, convs, devices = summary(default)

        # A gap longer than the capture: one burst per conversation.
        rows = tshark.fields(capture, FIELDS, ["-o", "iotfp.burst_gap:100000000"])
        long_bursts, long_convs, _ = summary(rows)
        expect(len(long_bursts) == len(long_convs) == len(convs),
               "burst_gap longer than the capture: %d bursts in %d conversations, want one each of %d"
               % (len(long_bursts), len(long_convs), len(convs)))
        # A 1 ms gap splits bursts apart.
        short_bursts, _, _ = summary(tshark.fields(capture, FIELDS, ["-o", "iotfp.burst_gap:1"]))
        expect(len(short_bursts) > len(bursts), "burst_gap 1 ms: %d bursts, want more than the default %d"
               % (len(short_bursts), len(bursts)))

        # Only the plug at home: every other address is outside.
        rows = tshark.fields(capture, FIELDS, ["-o", "iotfp.home_networks:192.168.1.23/32"])
        _, _, only = summary(rows)
        expect(only == {"192.168.1.23"}, "home_networks 192.168.1.23/32: devices %s" % sorted(only))

        # A typo: a message naming the item, and the default networks stay.
        proc = tshark.run(["-r", tshark.readable_copy(capture), "-2", "-T", "fields", "-e", "iotfp.device",
                           "-o", "iotfp.home_networks:192.168.0.0/16, 10.0.0.0/33"], check=False)
        expect(proc.returncode == 0, "bad home_networks: tshark exited %d" % proc.returncode)
        expect("'10.0.0.0/33' is not a network" in proc.stderr,
               "bad home_networks: no clear message, stderr was: %r" % proc.stderr)
        kept = {line for line in proc.stdout.splitlines() if line}
        expect(kept == devices, "bad home_networks: devices %s, want the defaults' %s" % (sorted(kept), sorted(devices)))

        # Not a number: Wireshark's own preference check refuses it cleanly.
        proc = tshark.run(["-r", tshark.readable_copy(capture), "-o", "iotfp.burst_gap:soon"], check=False)
        expect(proc.returncode > 0 and "burst_gap" in proc.stderr,
               "burst_gap 'soon': exit %d, stderr %r" % (proc.returncode, proc.stderr))

    for failure in failures:
        print("FAIL:", failure)
    print("%d default bursts; %d preference checks failed" % (len(bursts), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
