"""The statistics trees (tshark -2 -q -z iotfp_<name>,tree) against the same
capture's -T fields output: every number each tree prints is recomputed here
from the per-packet fields, and every node the fields call for must be there.
Also: a tap filter narrows a tree, and the burst count, which needs no
complete burst, is the same in a single pass."""
import os
import sys
import tempfile
from collections import Counter, defaultdict

import iotfp_tshark
from test_events_generated import write_signatures

# Platform rules for the generated home: two named clouds get a platform each,
# the other conversations stay unknown.
PLATFORM_RULES = """iotfp-platforms 1
platform demo-net
sufficient name *.example.net

platform demo-org
sufficient name *.example.org
"""
FIELDS = ["frame.number", "frame.len", "frame.time_relative", "iotfp.device", "iotfp.conv", "iotfp.scope",
          "iotfp.platform", "iotfp.platform.none", "iotfp.burst", "iotfp.burst.start", "iotfp.device.model",
          "iotfp.event"]
SCOPE_LOCAL, SCOPE_GROUP = "2", "3"
failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


def parse_tree(text):
    """{(name, parent name, ...): (count, min, max)} of a tshark stats tree."""
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Topic / Item"))
    columns = [lines[header].index(name) for name in ("Count", "Average", "Min Val", "Max Val", "Rate (ms)")]
    nodes, path = {}, []
    for line in lines[header + 2:]:
        if not line.strip() or line.startswith("---"):
            break
        depth = len(line) - len(line.lstrip(" "))
        name = line[:columns[0]].strip()
        path = path[:depth] + [name]
        count, _, low, high = (line[a:b].strip() for a, b in zip(columns, columns[1:]))
        nodes[tuple(path)] = (int(count), int(low) if low else None, int(high) if high else None)
    return nodes


def relative_ms(text):
    """frame.time_relative in whole ms, truncated like the plugin (no float rounding)."""
    seconds, _, fraction = text.partition(".")
    return int(seconds) * 1000 + int((fraction + "000")[:3])


def compare(tree, got, want):
    for path in sorted(set(got) | set(want)):
        expect(got.get(path) == want.get(path), "%s %s: tree says %s, fields say %s"
               % (tree, " > ".join(path), got.get(path), want.get(path)))


def platform_name(row):
    """The tree's name for a conversation's platform: why there is none where the fields say."""
    if row["iotfp.platform"]:
        return row["iotfp.platform"]
    if row["iotfp.platform.none"]:
        return "none (generic service)"
    return {SCOPE_LOCAL: "none (local peer)", SCOPE_GROUP: "none (broadcast or multicast)"}.get(row["iotfp.scope"],
                                                                                              "unknown")


def expected_platforms(rows):
    platform_of = {r["iotfp.conv"]: platform_name(r) for r in rows}
    devices = {(r["iotfp.device"], platform_of[r["iotfp.conv"]]) for r in rows}
    frame_bytes = Counter()
    for r in rows:
        frame_bytes[platform_of[r["iotfp.conv"]]] += int(r["frame.len"])
    want = {}
    for node, counts in (("Conversations by platform", Counter(platform_of.values())),
                         ("Devices by platform", Counter(platform for _, platform in devices)),
                         ("Frame bytes by platform", frame_bytes)):
        want[(node,)] = (sum(counts.values()), None, None)
        for platform, n in counts.items():
            want[(node, platform)] = (n, None, None)
    return want


def burst_starts(rows):
    return [r for r in rows if r["iotfp.burst"] and r["iotfp.burst.start"] == r["frame.number"]]


def is_event(row):
    return row["iotfp.event"] not in ("", "other")


def expected_devices(rows):
    top = "Bursts by device"
    counts = Counter()
    for r in burst_starts(rows):
        device = r["iotfp.device"]
        keys = [(top,), (top, device), (top, device, "platform " + platform_name(r))]
        if r["iotfp.device.model"]:
            keys.append((top, device, "model " + r["iotfp.device.model"]))
        if is_event(r):
            keys.append((top, device, "events"))
        counts.update(keys)
    return {path: (n, None, None) for path, n in counts.items()}


def expected_events(rows):
    top = "Events by device (min, max: first, last ms)"
    times = defaultdict(list)
    for r in burst_starts(rows):
        if is_event(r):
            ms = relative_ms(r["frame.time_relative"])
            device = r["iotfp.device"]
            for path in ((top,), (top, device), (top, device, r["iotfp.event"])):
                times[path].append(ms)
    return {path: (len(ms), min(ms), max(ms)) for path, ms in times.items()}


def main():
    tshark = iotfp_tshark.Tshark()
    with tempfile.TemporaryDirectory() as work:
        _, learn_truth, _ = iotfp_tshark.generate("demo", work, seed=1)
        capture, _, _ = iotfp_tshark.generate("demo", work, seed=2)
        folder = tshark.private_dir("signatures")
        models = write_signatures(learn_truth, folder)
        rules = os.path.join(folder, "demo.rules")
        with open(rules, "w") as f:
            f.write(PLATFORM_RULES)
        options = ["-o", "iotfp.signature_path:" + folder, "-o", "iotfp.platform_rules:" + rules]
        for device, (model, by_name) in models.items():
            if not by_name:
                options += ["-o", 'uat:iotfp_device_models:"%s","%s"' % (device, model)]
        readable = tshark.readable_copy(capture)
        rows = [r for r in tshark.fields(capture, FIELDS, options) if r["iotfp.conv"]]

        def tree(name, two_pass=True, tap_filter=""):
            args = ["-r", readable, "-q"] + options + ["-z", "iotfp_%s,tree%s" % (name, tap_filter)]
            return parse_tree(tshark.run(args + (["-2"] if two_pass else [])).stdout)

        want = {"platforms": expected_platforms(rows), "devices": expected_devices(rows),
                "events": expected_events(rows)}
        for name, nodes in want.items():
            compare(name, tree(name), nodes)

        # The capture must exercise what the trees tell apart.
        platforms = {path[1] for path in want["platforms"] if len(path) == 2}
        expect({"demo-net", "demo-org", "unknown"} <= platforms, "platforms seen: %s" % sorted(platforms))
        devices_with_events = {path[1] for path in want["events"] if len(path) == 2}
        expect(len(devices_with_events) >= 3, "devices with events: %s" % sorted(devices_with_events))

        device = sorted(devices_with_events)[0]
        only = expected_events([r for r in rows if r["iotfp.device"] == device])
        compare("events filtered to %s" % device, tree("events", tap_filter=',iotfp.device == "%s"' % device), only)

        single = tree("devices", two_pass=False)
        for path, (n, _, _) in want["devices"].items():
            if len(path) <= 2:
                expect(single.get(path, (None,))[0] == n, "single pass: %s has %s bursts, two passes %d"
                       % (" > ".join(path), single.get(path, (None,))[0], n))

    for failure in failures:
        print("FAIL:", failure)
    print("%d nodes cross-checked; %d failures" % (sum(len(nodes) for nodes in want.values()), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
