#!/usr/bin/python3
"""Per-window accuracy of the device-type GRU and of the random-forest
baseline, per setting (plain, NAT, tunnel; built by build_settings.py), in
two held-out splits decided before any result was seen:

  device  leave one capture out: every device has one capture, so each fold
          holds out one device and trains on all the others. A type no other
          capture has (the lamp, the lock) cannot be recognised and is left
          out of the score; the table says how many windows that was.
  time    each device's windows in time order, cut in three equal parts;
          fold k tests part k of every device and trains on the other two.
          Recognising known device models later in time, as Dong et al. did.

Accuracy is pooled over windows; "balanced" is the mean over devices of each
device's accuracy (a week of camera traffic otherwise dominates). In the
tunnel the plugin types every window, so the GRU is scored there by the C
inference, in tshark; elsewhere the plugin types whole conversations, so the
GRU is scored per window by the numpy forward pass of gru_model.py, which
test_devtype_pipeline.py checks against the plugin.

usage: evaluate.py --data-dir build/temp/devtype --build build [--markdown OUT]"""
import argparse
import csv
import os
import sys

import numpy as np

import baseline
import gru_model
import windows as win

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tshark"))
import iotfp_tshark  # noqa: E402

SEGMENTS = 3


def time_segments(w):
    """Index 0..SEGMENTS-1 of each window: its third of its device's windows in time order."""
    segment = np.zeros(len(w), np.int64)
    for device in np.unique(w.device):
        idx = np.flatnonzero(w.device == device)
        order = idx[np.argsort(w.start[idx], kind="stable")]
        segment[order] = np.arange(len(order)) * SEGMENTS // len(order)
    return segment


def folds(w, split):
    """(name, train mask, test mask) per fold."""
    if split == "time":
        segment = time_segments(w)
        return [("part %d" % k, segment != k, segment == k) for k in range(SEGMENTS)]
    result = []
    for device in np.unique(w.device):
        held_out = w.device == device
        if w.type[held_out][0] in set(w.type[~held_out]):
            result.append((device, ~held_out, held_out))
    return result


class PluginScorer:
    """Per-window types of a tunnel as the plugin shows them (iotfp.tunnel.window)."""

    def __init__(self, build):
        os.environ.setdefault("IOTFP_PLUGIN", os.path.join(build, "plugin", "epan", "iotfp.so"))
        self.tshark = iotfp_tshark.Tshark()
        self.model_path = os.path.join(self.tshark.private_dir("models"), "fold.model")

    def predict(self, model, test, setting_dir):
        model.write(self.model_path)
        os.chmod(self.model_path, 0o644)
        with open(os.path.join(setting_dir, "manifest.csv")) as f:
            manifest = {os.path.basename(r["capture"]): r for r in csv.DictReader(f)}
        predicted = np.array([""] * len(test), dtype=object)
        for capture in np.unique(test.capture):
            row = manifest[capture]
            rows = self.tshark.fields(row["capture"], ["frame.number", "iotfp.device.type"],
                                      extra=["-o", "iotfp.device_type_model:" + self.model_path,
                                             "-o", "iotfp.home_networks:" + row["home"]])
            by_frame = {int(r["frame.number"]): r["iotfp.device.type"] for r in rows}
            for i in np.flatnonzero(test.capture == capture):
                predicted[i] = by_frame.get(int(test.frames[i][0]), "")
        return predicted.astype(str)


def accuracy(truth, predicted, devices):
    if len(truth) == 0:
        return float("nan"), float("nan")
    correct = truth == predicted
    balanced = np.mean([correct[devices == d].mean() for d in np.unique(devices)])
    return correct.mean(), balanced


def evaluate(setting, split, w, args, plugin, log):
    truth, gru_pred, forest_pred, devices = [], [], [], []
    for name, train_mask, test_mask in folds(w, split):
        train, test = w.subset(train_mask), w.subset(test_mask)
        model = gru_model.train(train, args.hidden, args.epochs, args.per_device, args.seed)
        forest = baseline.Forest(train, args.per_device, args.seed)
        g, f = model.predict(test.x), forest.predict(test.x)
        if setting == "tunnel":
            numpy_answer, g = g, plugin.predict(model, test, os.path.join(args.data_dir, setting))
            log("  the plugin and the numpy forward pass differ on %d of %d windows"
                % (np.sum(g != numpy_answer), len(g)))
        log("%s %s %-20s %5d windows: GRU %.3f forest %.3f" % (setting, split, name, len(test), np.mean(g == test.type),
                                                              np.mean(f == test.type)))
        truth.append(test.type), gru_pred.append(g), forest_pred.append(f), devices.append(test.device)
    truth, devices = np.concatenate(truth), np.concatenate(devices)
    excluded = len(w) - len(truth)
    return {"windows": len(truth), "excluded": excluded,
            "gru": accuracy(truth, np.concatenate(gru_pred), devices),
            "forest": accuracy(truth, np.concatenate(forest_pred), devices)}


def markdown(results, args):
    lines = ["| setting | split | windows scored | GRU | GRU balanced | forest | forest balanced |",
             "|---|---|---|---|---|---|---|"]
    for (setting, split), r in results:
        note = " (+%d unrecognisable)" % r["excluded"] if r["excluded"] else ""
        lines.append("| %s | %s | %d%s | %.1f%% | %.1f%% | %.1f%% | %.1f%% |" % (
            setting, split, r["windows"], note, 100 * r["gru"][0], 100 * r["gru"][1], 100 * r["forest"][0],
            100 * r["forest"][1]))
    lines.append("")
    lines.append("Window %d packets, GRU hidden %d, %d epochs, at most %d training windows per device, seed %d. "
                 "GRU scored by the plugin (C) in the tunnel, by numpy elsewhere."
                 % (args.window, args.hidden, args.epochs, args.per_device, args.seed))
    return "\n".join(lines) + "\n"


def add_training_options(parser):
    parser.add_argument("--build", default="build", help="the CMake build with iotfp.so and iotfp-sequences")
    parser.add_argument("--window", type=int, default=16)
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--per-device", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, help="folder build_settings.py wrote")
    parser.add_argument("--settings", default="plain,nat,tunnel")
    parser.add_argument("--splits", default="device,time")
    parser.add_argument("--markdown", help="write the table there too")
    add_training_options(parser)
    args = parser.parse_args()

    def log(message):
        print(message, flush=True)
    command = win.sequences_command(args.build)
    plugin = PluginScorer(args.build)
    results = []
    for setting in args.settings.split(","):
        w = win.load_setting(os.path.join(args.data_dir, setting), args.window, command)
        log("%s: %d windows, %s" % (setting, len(w), ", ".join("%s %d" % (t, np.sum(w.type == t))
                                                              for t in sorted(set(w.type)))))
        for split in args.splits.split(","):
            results.append(((setting, split), evaluate(setting, split, w, args, plugin, log)))
    table = markdown(results, args)
    sys.stdout.write(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table)


if __name__ == "__main__":
    main()
