"""tshark -z iotfp,bursts lists every burst once, under its device and
conversation, with the same numbers the packet fields give."""
import re
import sys
import tempfile

import iotfp_tshark

failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


def main():
    tshark = iotfp_tshark.Tshark()
    with tempfile.TemporaryDirectory() as work:
        capture, truth, _ = iotfp_tshark.generate("demo", work)
        copy = tshark.readable_copy(capture)
        rows = tshark.fields(capture, ["iotfp.conv", "iotfp.device", "iotfp.burst", "iotfp.burst.start",
                                       "iotfp.burst.pkts", "iotfp.burst.bytes", "iotfp.burst.shape"])
        report = tshark.run(["-r", copy, "-q", "-z", "iotfp,bursts"]).stdout
        filtered = tshark.run(["-r", copy, "-q", "-z", "iotfp,bursts,iotfp.device == \"192.168.1.23\""]).stdout

    fields = {}
    for r in rows:
        if r["iotfp.burst"]:
            fields[r["iotfp.burst"]] = (r["iotfp.conv"], r["iotfp.device"], r["iotfp.burst.start"],
                                        r["iotfp.burst.pkts"], r["iotfp.burst.bytes"], r["iotfp.burst.shape"])
    listed = {}
    conv = device = None
    line_re = re.compile(r"^\s+(\d+)\s+(\d+)\s+\S+ \S+\s+(\d+)\s+(\d+)\s+[\d.]+\s+(.*)$")
    for line in report.splitlines():
        heading = re.match(r"^Device (\S+), conversation (\d+) with", line)
        if heading:
            device, conv = heading.group(1), heading.group(2)
            continue
        m = line_re.match(line)
        if m:
            burst = m.group(1)
            expect(burst not in listed, "burst %s listed twice" % burst)
            listed[burst] = (conv, device, m.group(2), m.group(3), m.group(4), m.group(5))
    expect(listed == fields, "the tap and the fields disagree:\n tap only: %s\n fields only: %s"
           % (sorted(set(listed.items()) - set(fields.items()))[:5],
              sorted(set(fields.items()) - set(listed.items()))[:5]))
    expect(len(listed) >= len(truth), "%d bursts listed, the truth alone has %d cloud bursts" % (len(listed), len(truth)))

    plug = {b for b, v in fields.items() if v[1] == "192.168.1.23"}
    shown = {m.group(1) for m in map(line_re.match, filtered.splitlines()) if m}
    expect(plug and shown == plug, "with a device filter the tap lists %s, want the plug's bursts %s"
           % (sorted(shown), sorted(plug)))

    for failure in failures:
        print("FAIL:", failure)
    print("%d bursts listed; %d failures" % (len(listed), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
