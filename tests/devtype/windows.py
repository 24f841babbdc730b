"""Labelled windows of per-packet features, read from iotfp-sequences.

iotfp-sequences (plugin/tools) is the only source of features: the trainer
sees exactly what the plugin computes. Its CSV has one row per packet
(conversation,device,peer,tunnel,window,frame,time,f0..f10); a window is the
W consecutive packets of one sequence sharing a window index. A window's device
is the real device owning most of its frames (CAPTURE.truth.csv, written by
build_settings.py); windows with no labelled owner (a phone's traffic, say)
are left out."""
import collections
import csv
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
N_FEATURES = 11
FEATURE_COLUMNS = ["f%d" % i for i in range(N_FEATURES)]


class Windows:
    """x: (n, W, 11) float32; device: owning device name; type: its label;
    start: time of the first packet; capture: the built capture it came from;
    frames: (n, W) frame numbers."""

    def __init__(self, x, device, dtype, start, capture, frames):
        self.x, self.device, self.type = x, np.array(device), np.array(dtype)
        self.start, self.capture, self.frames = np.array(start), np.array(capture), frames

    def __len__(self):
        return len(self.x)

    def subset(self, mask):
        return Windows(self.x[mask], self.device[mask], self.type[mask], self.start[mask], self.capture[mask],
                       self.frames[mask])

    @staticmethod
    def concat(parts):
        parts = [p for p in parts if len(p)]
        if not parts:
            return Windows(np.zeros((0, 0, N_FEATURES), np.float32), [], [], [], [], np.zeros((0, 0), np.int64))
        return Windows(np.concatenate([p.x for p in parts]), np.concatenate([p.device for p in parts]),
                       np.concatenate([p.type for p in parts]), np.concatenate([p.start for p in parts]),
                       np.concatenate([p.capture for p in parts]), np.concatenate([p.frames for p in parts]))


def read_labels(folder=os.path.join(HERE, "labels")):
    """address -> device type, from every labels/*.csv (address,device_type)."""
    types = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".csv"):
            continue
        with open(os.path.join(folder, name)) as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                address, dtype = row.get("address"), row.get("device_type")
                if not address or not dtype:
                    sys.exit("%s:%d: expected address,device_type" % (name, line))
                if types.get(address, dtype) != dtype:
                    sys.exit("%s:%d: %s labelled both %s and %s" % (name, line, address, types[address], dtype))
                types[address] = dtype
    return types


def read_device_names(path=os.path.join(HERE, "captures.csv")):
    with open(path) as f:
        return {row["address"]: row["device"] for row in csv.DictReader(f)}


def sequences_csv(capture, home, window, command):
    """Runs iotfp-sequences once per capture, home and window size; the CSV is kept beside the capture."""
    out = "%s.w%d.sequences.csv" % (capture[:-len(".pcap")], window)
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(capture):
        with open(out + ".part", "w") as f:
            subprocess.run(command + ["--home", home, "--window", str(window), capture], stdout=f, check=True)
        os.replace(out + ".part", out)
    return out


def read_truth(path):
    with open(path) as f:
        return {int(row["frame"]): row["address"] for row in csv.DictReader(f)}


def load_capture(capture, truth_path, home, window, command, types, names):
    truth = read_truth(truth_path)
    groups = collections.OrderedDict()
    with open(sequences_csv(capture, home, window, command)) as f:
        for row in csv.DictReader(f):
            groups.setdefault((row["conversation"], row["window"]), []).append(row)
    xs, devices, dtypes, starts, frames = [], [], [], [], []
    for rows in groups.values():
        if len(rows) != window:
            continue  # the incomplete last window of a sequence
        owners = collections.Counter(truth.get(int(r["frame"])) for r in rows)
        owner, count = max(((a, c) for a, c in owners.items() if a), key=lambda ac: ac[1], default=(None, 0))
        if owner not in types or 2 * count < window:
            continue
        xs.append([[float(r[c]) for c in FEATURE_COLUMNS] for r in rows])
        devices.append(names.get(owner, owner))
        dtypes.append(types[owner])
        starts.append(float(rows[0]["time"]))
        frames.append([int(r["frame"]) for r in rows])
    x = np.array(xs, np.float32).reshape(-1, window, N_FEATURES)
    return Windows(x, devices, dtypes, starts, [os.path.basename(capture)] * len(xs),
                   np.array(frames, np.int64).reshape(-1, window))


def load_setting(folder, window, command, types=None, names=None):
    """Every labelled window of the captures listed in FOLDER/manifest.csv."""
    types = types or read_labels()
    names = names or read_device_names()
    with open(os.path.join(folder, "manifest.csv")) as f:
        rows = list(csv.DictReader(f))
    return Windows.concat([load_capture(r["capture"], r["truth"], r["home"], window, command, types, names)
                           for r in rows])


def sequences_command(build):
    """iotfp-sequences of BUILD run with tshark and the freshly built plugin, as
    the tests run them (IOTFP_PLUGIN, when set, names the plugin to load)."""
    plugin = os.environ.get("IOTFP_PLUGIN") or os.path.join(build, "plugin", "epan", "iotfp.so")
    return ["env", "IOTFP_PLUGIN=%s" % plugin, sys.executable, os.path.join(HERE, "..", "tshark", "iotfp_tshark.py"),
            "with-wrapper", "--", os.path.join(build, "plugin", "tools", "iotfp-sequences")]
