"""On the IoTEvent captures, every labelled app event should open a burst of its
own device: the foundation the event signatures stand on. Reports per device
how many labels opened a burst within 1 s, and how many bursts match no label
(heartbeats, logs, or events the labels missed)."""
import csv
import glob
import os
import sys

import iotfp_tshark

TOLERANCE_S = 1.0
REQUIRED_SHARE = 0.98


def bursts_by_device(tshark, capture):
    rows = tshark.fields(capture, ["frame.number", "frame.time_epoch", "iotfp.device", "iotfp.scope",
                                   "iotfp.burst", "iotfp.burst.start"])
    time_of = {r["frame.number"]: float(r["frame.time_epoch"]) for r in rows}
    starts = {}
    for r in rows:
        if r["iotfp.burst"] and r["iotfp.scope"] == "1":
            starts[r["iotfp.burst"]] = (r["iotfp.device"], time_of[r["iotfp.burst.start"]])
    by_device = {}
    for burst, (device, start) in starts.items():
        by_device.setdefault(device, []).append((start, burst))
    return by_device


def main():
    folder = iotfp_tshark.shared_data("iotevent")
    tshark = iotfp_tshark.Tshark()
    total = opened = unlabelled_total = 0
    for capture in sorted(glob.glob(os.path.join(folder, "*.pcap"))):
        name = os.path.basename(capture)[:-len(".pcap")]
        with open(os.path.join(folder, name + ".labels.csv")) as f:
            labels = list(csv.DictReader(f))
        by_device = bursts_by_device(tshark, capture)
        paired = set()
        missed = []
        for label in labels:
            t = float(label["time"])
            near = [burst for start, burst in by_device.get(label["device_ip"], [])
                    if abs(start - t) <= TOLERANCE_S]
            if near:
                paired.update(near)
            else:
                missed.append("%s at %s" % (label["event"], label["time"]))
        bursts = sum(len(v) for v in by_device.values())
        unlabelled = bursts - len(paired)
        total += len(labels)
        opened += len(labels) - len(missed)
        unlabelled_total += unlabelled
        print("%-20s %3d/%3d labelled events open a burst; %3d bursts, %3d unlabelled%s"
              % (name, len(labels) - len(missed), len(labels), bursts, unlabelled,
                 ("; missed: " + ", ".join(missed)) if missed else ""))
    if total == 0:
        sys.exit("FAIL: no labelled captures in %s" % folder)
    share = opened / total
    print("all: %d/%d labelled events (%.1f%%) open a burst of their device within %.0f s; %d unlabelled bursts"
          % (opened, total, 100 * share, TOLERANCE_S, unlabelled_total))
    if share < REQUIRED_SHARE:
        sys.exit("FAIL: %.1f%% is below the required %.0f%%" % (100 * share, 100 * REQUIRED_SHARE))


if __name__ == "__main__":
    main()
