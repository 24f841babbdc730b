"""The timeline on a home made of the seven IoTEvent devices: their captures
merged into one. The timeline must list every device's events in time order,
exactly the bursts that `tshark -2 -T fields -e iotfp.event` names as events,
and the activities must be those the bundled rules imply, computed here by
activity_reference.py from that event list. The bundled signatures and
activities.rules are found where `make install` puts them for a user."""
import glob
import os
import shutil
import sys

import activity_reference
import iotfp_tshark

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
# The IoTEvent devices are models sold in China (JD, Huawei HiLink, Tuya...);
# the test holds for any zone, since the expectation uses the same one.
ZONE = "+08:00"
FIELDS = ["frame.number", "frame.time_epoch", "iotfp.device", "iotfp.burst", "iotfp.burst.start",
          "iotfp.device.model", "iotfp.event", "iotfp.event.privacy", "iotfp.activity"]
failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


def install_knowledge(tshark):
    folder = tshark.private_dir(".local/share/iotfp/signatures")
    for parent in (".local", ".local/share", ".local/share/iotfp"):
        os.chmod(os.path.join(tshark.home, parent), 0o755)
    for path in glob.glob(os.path.join(REPO, "signatures", "*.sig")) + [os.path.join(REPO, "signatures",
                                                                                      "activities.rules")]:
        shutil.copy(path, folder)
        os.chmod(os.path.join(folder, os.path.basename(path)), 0o644)
    return os.path.join(folder, "activities.rules")


def field_rows(tshark, capture, options):
    args = ["-r", capture, "-2", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-E", "separator=\t"]
    for field in FIELDS:
        args += ["-e", field]
    out = tshark.run(args + options).stdout
    return [dict(zip(FIELDS, line.split("\t"))) for line in out.splitlines()]


def main():
    iotevent = iotfp_tshark.shared_data("iotevent")
    captures = sorted(glob.glob(os.path.join(iotevent, "*.pcap")))
    tshark = iotfp_tshark.Tshark()
    bundled = install_knowledge(tshark)
    merged = os.path.join(tshark.private_dir("merged"), "iotevent-merged.pcap")
    iotfp_tshark.run_tool(["mergecap", "-w", merged] + captures)
    os.chmod(merged, 0o644)
    options = ["-o", "iotfp.activity_time_zone:" + ZONE]

    one_pass = tshark.run(["-r", merged, "-q", "-z", "iotfp,timeline"] + options).stdout
    two_pass = tshark.run(["-r", merged, "-2", "-q", "-z", "iotfp,timeline"] + options).stdout
    expect(one_pass == two_pass, "the timeline differs between one pass and -2")
    timeline = activity_reference.parse_timeline(one_pass)
    expect(bundled in timeline["header"] and ZONE in timeline["header"],
           "the timeline should use the installed bundled rules in %s: %r" % (ZONE, timeline["header"]))

    rows = field_rows(tshark, merged, options)
    times = [float(r["frame.time_epoch"]) for r in rows]
    starts = [r for r in rows if r["iotfp.burst.start"] == r["frame.number"] and r["iotfp.event"] not in ("", "other")]
    starts.sort(key=lambda r: (float(r["frame.time_epoch"]), int(r["iotfp.burst"])))
    events = [{"time": float(r["frame.time_epoch"]), "frame": int(r["frame.number"]), "device": r["iotfp.device"],
               "model": r["iotfp.device.model"], "event": r["iotfp.event"], "privacy": r["iotfp.event.privacy"]}
              for r in starts]

    # Every device with labels has events, and the timeline lists exactly the
    # events -T fields shows, per device in time order.
    labelled = set()
    for labels in glob.glob(os.path.join(iotevent, "*.labels.csv")):
        with open(labels) as f:
            labelled |= {line.split(",")[1] for line in f.read().splitlines()[1:] if line}
    by_device = {}
    for e in events:
        by_device.setdefault(e["device"], []).append(e)
    expect(set(by_device) == labelled == set(timeline["devices"]),
           "devices: labelled %s, with events %s, in the timeline %s"
           % (sorted(labelled), sorted(by_device), sorted(timeline["devices"])))
    for device, listed in timeline["devices"].items():
        want = by_device.get(device, [])
        expect([r["frame"] for r in listed] == [e["frame"] for e in want],
               "%s: timeline frames %s, -T fields event frames in time order %s"
               % (device, [r["frame"] for r in listed], [e["frame"] for e in want]))
        expect([r["time"] for r in listed] == sorted(r["time"] for r in listed), "%s: not in time order" % device)
        for r, e in zip(listed, want):
            expect((r["event"], r["model"], r["privacy"]) == (e["event"], e["model"], e["privacy"] or "-"),
                   "%s frame %d: timeline %s, fields %s" % (device, r["frame"], r, e))

    # The activities the bundled rules imply, from the event list alone.
    with open(os.path.join(REPO, "signatures", "activities.rules")) as f:
        rules = activity_reference.parse_rules(f.read())
    implied = {(events[i]["frame"], activity)
               for i, activity in activity_reference.infer(rules, events, min(times), max(times), ZONE)}
    reported = {(a["frame"], a["activity"]) for a in timeline["activities"]}
    in_rows = {(r["frame"], a) for rs in timeline["devices"].values() for r in rs for a in r["activities"]}
    on_packets = {(int(r["frame.number"]), a) for r in starts for a in r["iotfp.activity"].split(",") if a}
    expect(implied, "the bundled rules imply no activity on the merged capture")
    expect(reported == implied, "activities: timeline %s, implied by the rules %s"
           % (sorted(reported - implied), sorted(implied - reported)))
    expect(in_rows == reported, "the device rows and the activity list disagree")
    expect(on_packets == reported, "iotfp.activity on the bursts' first packets: %s, timeline %s"
           % (sorted(on_packets - reported), sorted(reported - on_packets)))
    expect(all(r["iotfp.activity"] == "" for r in rows if not r["iotfp.event"] or r["iotfp.event"] == "other"),
           "iotfp.activity on a packet whose burst is no event")

    counts = {}
    for _, activity in implied:
        counts[activity] = counts.get(activity, 0) + 1
    for failure in failures:
        print("FAIL:", failure)
    print("%d events of %d devices; activities %s; %d failures"
          % (len(events), len(by_device), ", ".join("%s %d" % item for item in sorted(counts.items())), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
