"""The timeline on a home made of the seven IoTEvent devices: their captures
merged into one. The timeline must list every device's events in time order,
exactly the bursts that `tshark -2 -T fields -e iotfp.event` names as events,
and the activities must be those the bundled rules imply, computed here by
activity_reference.py from that event list. The bundled signatures and
activities.rules are found where `make install` puts them for a user. The
bundled signatures apply only where a conversation's platform is identified,
and IoTEvent's records of the TLS devices carry no platform evidence, so each
device is pinned to the model of its capture (the Device models table)."""
import glob
import os
import sys

import activity_reference
import iotfp_tshark

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
BUNDLED_RULES = os.path.join(REPO, "signatures", "activities.rules")
# The IoTEvent devices are models sold in China (JD, Huawei HiLink, Tuya...);
# the test holds for any zone, since the expectation uses the same one.
ZONE = "+08:00"
failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


def labelled_devices(iotevent):
    """Each labelled device's address, with the model its capture is named after."""
    devices = {}
    for labels in glob.glob(os.path.join(iotevent, "*.labels.csv")):
        model = os.path.basename(labels)[:-len(".labels.csv")]
        with open(labels) as f:
            devices.update({line.split(",")[1]: model for line in f.read().splitlines()[1:] if line})
    return devices


def main():
    iotevent = iotfp_tshark.shared_data("iotevent")
    tshark = iotfp_tshark.Tshark()
    folder = tshark.install_data(glob.glob(os.path.join(REPO, "signatures", "*.sig")) + [BUNDLED_RULES])
    merged = os.path.join(tshark.private_dir("merged"), "iotevent-merged.pcap")
    iotfp_tshark.run_tool(["mergecap", "-w", merged] + sorted(glob.glob(os.path.join(iotevent, "*.pcap"))))
    os.chmod(merged, 0o644)
    labelled = labelled_devices(iotevent)
    options = ["-o", "iotfp.activity_time_zone:" + ZONE]
    for device, model in sorted(labelled.items()):
        options += ["-o", 'uat:iotfp_device_models:"%s","%s"' % (device, model)]

    one_pass = tshark.run(["-r", merged, "-q", "-z", "iotfp,timeline"] + options).stdout
    two_pass = tshark.run(["-r", merged, "-2", "-q", "-z", "iotfp,timeline"] + options).stdout
    expect(one_pass == two_pass, "the timeline differs between one pass and -2")
    timeline = activity_reference.parse_timeline(one_pass)
    expect(os.path.join(folder, "activities.rules") in timeline["header"] and ZONE in timeline["header"],
           "the timeline should use the installed bundled rules in %s: %r" % (ZONE, timeline["header"]))
    events, rows, start, end = activity_reference.capture_events(tshark, merged, options)

    # Every device with labels has events, and the timeline lists exactly the
    # events -T fields shows, per device in time order.
    by_device = {}
    for e in events:
        by_device.setdefault(e["device"], []).append(e)
    expect(set(by_device) == set(labelled) == set(timeline["devices"]),
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
    with open(BUNDLED_RULES) as f:
        implied = activity_reference.check_activities(expect, "bundled rules", f.read(), timeline, events, start,
                                                      end, ZONE)
    expect(implied, "the bundled rules imply no activity on the merged capture")
    expect(all(r["iotfp.activity"] == "" for r in rows if r["iotfp.event"] in ("", "other")),
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
