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
device's accuracy (a week of camera traffic otherwise dominates). The GRU is
scored by the numpy forward pass of gru_model.py, which test_devtype_pipeline.py
checks against the plugin's C inference.

usage: evaluate.py --data-dir build/temp/devtype --build build [--markdown OUT]"""
import argparse
import os
import sys

import numpy as np

import baseline
import gru_model
import windows as win

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


def accuracy(truth, predicted, devices):
    if len(truth) == 0:
        return float("nan"), float("nan")
    correct = truth == predicted
    balanced = np.mean([correct[devices == d].mean() for d in np.unique(devices)])
    return correct.mean(), balanced


def evaluate(setting, split, w, args, log):
    truth, gru_pred, forest_pred, devices = [], [], [], []
    for name, train_mask, test_mask in folds(w, split):
        train, test = w.subset(train_mask), w.subset(test_mask)
        model = gru_model.train(train, args.hidden, args.epochs, args.per_device, args.seed)
        forest = baseline.Forest(train, args.per_device, args.seed)
        g, f = model.predict(test.x), forest.predict(test.x)
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
    lines.append("Window %d packets, GRU hidden %d, %d epochs, at most %d training windows per device, seed %d."
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
    results = []
    for setting in args.settings.split(","):
        w = win.load_setting(os.path.join(args.data_dir, setting), args.window, command)
        log("%s: %d windows, %s" % (setting, len(w), ", ".join("%s %d" % (t, np.sum(w.type == t))
                                                              for t in sorted(set(w.type)))))
        for split in args.splits.split(","):
            results.append(((setting, split), evaluate(setting, split, w, args, log)))
    table = markdown(results, args)
    sys.stdout.write(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table)


if __name__ == "__main__":
    main()
