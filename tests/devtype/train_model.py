#!/usr/bin/python3
"""Trains the device-type GRU on every labelled window of the given settings
and writes the model file the plugin loads (format: gru_model.py and
plugin/core/device_model.h).

usage: train_model.py --data-dir build/temp/devtype --settings plain,nat --out signatures/device-types.model"""
import argparse
import os

import numpy as np

import evaluate
import gru_model
import windows as win


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, help="folder build_settings.py wrote")
    parser.add_argument("--settings", default="plain,nat")
    parser.add_argument("--out", required=True)
    evaluate.add_training_options(parser)
    args = parser.parse_args()
    command = win.sequences_command(args.build)
    settings = args.settings.split(",")
    parts = []
    for setting in settings:
        part = win.load_setting(os.path.join(args.data_dir, setting), args.window, command)
        # The cap on windows per device then applies per setting: both the
        # plain and the NAT view of every device are learned.
        part.device = np.array(["%s:%s" % (setting, d) for d in part.device])
        parts.append(part)
    w = win.Windows.concat(parts)
    model = gru_model.train(w, args.hidden, args.epochs, args.per_device, args.seed, log=print)
    counts = ", ".join("%s %d" % (t, np.sum(w.type == t)) for t in model.classes)
    comment = ("Device types from packet sequences (issue 8), trained by `make device-model`:\n"
               "tests/devtype/train_model.py --settings %s --window %d --hidden %d --epochs %d --per-device %d "
               "--seed %d\non the devices of tests/devtype/captures.csv (windows: %s)."
               % (args.settings, args.window, args.hidden, args.epochs, args.per_device, args.seed, counts))
    model.write(args.out, comment)
    print("train_model: wrote %s (%d classes, %d windows)" % (args.out, len(model.classes), len(w)))


if __name__ == "__main__":
    main()
