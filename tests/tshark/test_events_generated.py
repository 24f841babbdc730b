"""Event detection in the plugin, independent of the learning tool: signatures
written straight from the generator's truth for one seed recognise the events
of a capture made with another seed. Also: a broken signature file is
reported and the others keep working, a device can be pinned to a model, and
privacy-sensitive events carry their kind and an expert item."""
import os
import sys
import tempfile

import iotfp_tshark

PRIVACY = {"motion": "presence", "unlock": "door", "lock": "door", "power_on": "power"}
failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


def write_signatures(truth, folder):
    """One signature per device: every truth burst a sample, exact thresholds."""
    by_device = {}
    for t in truth:
        by_device.setdefault(t["device"], []).append(t)
    models = {}
    for device, bursts in by_device.items():
        model = "gen-" + device.replace(":", "-").replace(".", "-")
        name = bursts[0]["cloud_name"]
        lines = ["iotfp-signature 1", "model " + model, "burst_gap_ms 1500", "k 1"]
        if name:
            lines.append("match cloud " + name)
        else:
            lines.append("match port 1")  # never true: this model is only reached by a pin
        for event in sorted({b["event"] for b in bursts}):
            lines += ["", "event " + event]
            if event in PRIVACY:
                lines.append("privacy " + PRIVACY[event])
            lines.append("threshold 0.5")
            for shape in sorted({b["shape"] for b in bursts if b["event"] == event}):
                lines.append("sample " + shape)
        with open(os.path.join(folder, model + ".sig"), "w") as f:
            f.write("\n".join(lines) + "\n")
        models[device] = (model, bool(name))
    return models


def first_packets(rows):
    return {r["frame.number"]: r for r in rows if r["iotfp.burst.start"] == r["frame.number"] and r["iotfp.burst"]}


def root_summaries(details):
    """The iotfp root line of each frame in tshark -V output, by frame number."""
    summaries, frame = {}, None
    for line in details.splitlines():
        if line.startswith("Frame "):
            frame = line.split()[1].rstrip(":")
        elif line.startswith("[IoT Fingerprint"):
            summaries[frame] = line.strip("[]")
    return summaries


def main():
    tshark = iotfp_tshark.Tshark()
    fields = ["frame.number", "iotfp.device", "iotfp.scope", "iotfp.burst", "iotfp.burst.start",
              "iotfp.device.model", "iotfp.event", "iotfp.event.privacy", "iotfp.event.distance",
              "_ws.expert.message"]
    with tempfile.TemporaryDirectory() as work:
        _, learn_truth, _ = iotfp_tshark.generate("demo", work, seed=1)
        capture, truth, _ = iotfp_tshark.generate("demo", work, seed=2)
        folder = tshark.private_dir("signatures")
        models = write_signatures(learn_truth, folder)
        with open(os.path.join(folder, "broken.sig"), "w") as f:
            f.write("iotfp-signature 1\nmodel broken\nburst_gap_ms 1500\nevent x\nsample +12 nonsense\n")
        pin_args = []
        for device, (model, by_name) in models.items():
            if not by_name:
                pin_args += ["-o", 'uat:iotfp_device_models:"%s","%s"' % (device, model)]
        options = ["-o", "iotfp.signature_path:" + folder] + pin_args
        proc = tshark.run(["-r", tshark.readable_copy(capture), "-2"] + options
                          + ["-T", "fields", "-E", "occurrence=l"] + sum([["-e", f] for f in fields], []),
                          check=False)
        expect(proc.returncode == 0, "tshark exited %d: %s" % (proc.returncode, proc.stderr))
        expect("broken.sig:5:" in proc.stderr and "'nonsense' is not a signed payload length" in proc.stderr,
               "a broken signature file should be reported with file and line; stderr: %r" % proc.stderr)
        rows = [dict(zip(fields, line.split("\t"))) for line in proc.stdout.splitlines()]
        one_pass = tshark.fields(capture, ["frame.number", "iotfp.event"], options, two_pass=False)
        expert = tshark.expert_summaries(capture, options)
        roots = root_summaries(tshark.run(["-r", tshark.readable_copy(capture), "-2", "-V"] + options).stdout)

    # Expert items do not depend on a tree being built.
    privacy_items = sum(n for summary, n in expert.items() if summary.startswith("Privacy-sensitive event"))
    want_items = sum(1 for t in truth if PRIVACY.get(t["event"]))
    expect(privacy_items == want_items, "tshark -z expert lists %d privacy-sensitive events, want %d"
           % (privacy_items, want_items))

    starts = first_packets(rows)
    right = 0
    for t in truth:
        r = starts.get(t["first_frame"])
        if r is None:
            expect(False, "no burst starts at frame %s" % t["first_frame"])
            continue
        model, _ = models[t["device"]]
        expect(r["iotfp.device.model"] == model, "frame %s: model %r, want %s" % (t["first_frame"], r["iotfp.device.model"], model))
        if r["iotfp.event"] == t["event"]:
            right += 1
        else:
            expect(False, "frame %s: event %r, want %s (distance %s)" % (t["first_frame"], r["iotfp.event"],
                                                                          t["event"], r["iotfp.event.distance"]))
        want_privacy = PRIVACY.get(t["event"], "")
        expect(r["iotfp.event.privacy"] == want_privacy, "frame %s: privacy %r, want %r"
               % (t["first_frame"], r["iotfp.event.privacy"], want_privacy))
        # A named event ends the root's summary; "other" leaves it out.
        want_root = "IoT Fingerprint, Burst %s of cloud conversation" % r["iotfp.burst"]
        if r["iotfp.event"] != "other":
            want_root += ": " + r["iotfp.event"]
        expect(roots.get(t["first_frame"]) == want_root, "frame %s: root %r, want %r"
               % (t["first_frame"], roots.get(t["first_frame"]), want_root))
        has_expert = "Privacy-sensitive event" in r["_ws.expert.message"]
        expect(has_expert == bool(want_privacy), "frame %s: privacy expert item %s" % (t["first_frame"], has_expert))
    # Every packet of a burst carries the burst's event in two passes; a single
    # pass shows the burst so far, which is complete on its last packet.
    by_burst = {}
    for r in rows:
        if r["iotfp.burst"] and r["iotfp.scope"] == "1":
            by_burst.setdefault(r["iotfp.burst"], set()).add(r["iotfp.event"])
    expect(all(len(events) == 1 for events in by_burst.values()), "a burst shows more than one event in two passes")
    last_of_burst = {}
    for r in rows:
        if r["iotfp.burst"] and r["iotfp.scope"] == "1":
            last_of_burst[r["iotfp.burst"]] = r["frame.number"]
    single = {r["frame.number"]: r["iotfp.event"] for r in one_pass}
    two = {r["frame.number"]: r["iotfp.event"] for r in rows}
    for frame in last_of_burst.values():
        expect(single[frame] == two[frame], "frame %s: the last packet of its burst shows %r in one pass, %r in two"
               % (frame, single[frame], two[frame]))

    for failure in failures:
        print("FAIL:", failure)
    print("%d/%d bursts recognised; %d failures" % (right, len(truth), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
