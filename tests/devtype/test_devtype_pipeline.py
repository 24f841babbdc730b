#!/usr/bin/python3
"""The device-type pipeline on a few real devices, small enough for CI:
builds the three settings, checks what the NAT and tunnel builders promise,
trains a GRU on the first two thirds of each device's windows (plain) and
checks that the model file beats chance on the last third. Chance is the
best constant answer on those test windows, computed here. The plugin then
loads the model file, and its types must be the numpy forward pass's: per
conversation (the mean of its first TYPE_WINDOWS windows, as
plugin/core/seq_tracker.h says) and per tunnel window.

Skips (77) without ../shared/data or without torch and scikit-learn for
/usr/bin/python3 (make devtype-deps installs them)."""
import collections
import csv
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tshark"))

import iotfp_tshark  # noqa: E402

DEVICES = "jd-gateway,tplink-plug,huawei-lamp,smartthings-hub,tplink-plug-shfw,tuya-motion"
WINDOW = 16
TYPE_WINDOWS = 4  # IOTFP_SEQ_TYPE_WINDOWS
NEAR_TIE = 1e-4  # float32 in C against float64 here: either answer is right


def fail(message):
    sys.exit("FAIL: " + message)


def check_nat(folder):
    import build_settings
    import pcapio
    for name in os.listdir(folder):
        if not name.endswith(".pcap"):
            continue
        flows = collections.defaultdict(set)
        for p in pcapio.read(os.path.join(folder, name)):
            outbound = p.src == build_settings.WAN_ADDRESS
            if not outbound and p.dst != build_settings.WAN_ADDRESS:
                fail("%s: a packet %s -> %s does not come from or go to the NAT address" % (name, p.src, p.dst))
            ports = p.ports()
            if ports:
                public_port = ports[0] if outbound else ports[1]
                flows[public_port].add((p.protocol, p.dst if outbound else p.src, ports[1] if outbound else ports[0]))
        reused = [port for port, peers in flows.items() if len(peers) > 1]
        if reused:
            fail("%s: NAT port %d serves two flows %s" % (name, reused[0], sorted(flows[reused[0]])))


def check_tunnel(folder, command):
    import build_settings
    import windows as win
    with open(os.path.join(folder, "manifest.csv")) as f:
        rows = [line.strip().split(",") for line in f][1:]
    for capture, _, home in rows:
        out = win.sequences_csv(capture, home, WINDOW, command)
        with open(out) as f:
            lines = f.read().splitlines()[1:]
        peers = {tuple(line.split(",")[1:4]) for line in lines}
        expected = {(build_settings.WAN_ADDRESS, build_settings.VPN_SERVER, "1")}
        if peers != expected:
            fail("%s: iotfp-sequences saw sequences %s, expected the one tunnel %s" % (capture, peers, expected))


def expected_plugin_types(model, sequences_csv):
    """frame -> (type, margin over the runner-up) the plugin should show, from the tool's features."""
    import numpy as np

    import windows as win
    by_conv = collections.OrderedDict()
    with open(sequences_csv) as f:
        for row in csv.DictReader(f):
            by_conv.setdefault(row["conversation"], []).append(row)
    expected = {}
    for rows in by_conv.values():
        windows = [rows[i:i + WINDOW] for i in range(0, len(rows) - WINDOW + 1, WINDOW)]
        if not windows:
            continue
        x = np.array([[[float(r[c]) for c in win.FEATURE_COLUMNS] for r in w] for w in windows])
        p = model.probabilities(x)
        tunnel = rows[0]["tunnel"] == "1"
        groups = [(w, p[i]) for i, w in enumerate(windows)] if tunnel else [(rows, p[:TYPE_WINDOWS].mean(axis=0))]
        for frames, probabilities in groups:
            ranked = np.sort(probabilities)[::-1]
            for r in frames:
                expected[int(r["frame"])] = (model.classes[int(np.argmax(probabilities))], ranked[0] - ranked[1])
    return expected


def check_plugin(tshark, model, model_path, folder, command):
    """Counts the frames whose plugin type was checked; fails on a disagreement."""
    import windows as win
    checked = 0
    with open(os.path.join(folder, "manifest.csv")) as f:
        manifest = list(csv.DictReader(f))
    for row in manifest:
        expected = expected_plugin_types(model, win.sequences_csv(row["capture"], row["home"], WINDOW, command))
        rows = tshark.fields(row["capture"], ["frame.number", "iotfp.device.type"],
                             extra=["-o", "iotfp.device_type_model:" + model_path,
                                    "-o", "iotfp.home_networks:" + row["home"]])
        for r in rows:
            frame = int(r["frame.number"])
            if frame not in expected:
                continue
            want, margin = expected[frame]
            if r["iotfp.device.type"] != want and margin >= NEAR_TIE:
                fail("%s frame %d: the plugin says '%s', the numpy GRU %s" % (row["capture"], frame,
                                                                                r["iotfp.device.type"], want))
            checked += 1
    return checked


def main():
    data = iotfp_tshark.shared_data()
    try:
        import numpy  # noqa: F401
        import sklearn  # noqa: F401
        import torch  # noqa: F401
    except ImportError as e:
        print("SKIP: %s (make devtype-deps installs python3-torch, python3-sklearn, python3-numpy)" % e)
        sys.exit(iotfp_tshark.SKIP)
    import baseline
    import evaluate
    import gru_model
    import windows as win

    build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(os.environ["IOTFP_GEN"]))))
    command = win.sequences_command(build)
    with tempfile.TemporaryDirectory(prefix="iotfp-devtype-test-") as tmp:
        os.chmod(tmp, 0o755)  # the unprivileged tshark reads the built captures
        subprocess.run([sys.executable, os.path.join(HERE, "build_settings.py"), "--data", data, "--out", tmp,
                        "--devices", DEVICES], check=True)
        check_nat(os.path.join(tmp, "nat"))
        check_tunnel(os.path.join(tmp, "tunnel"), command)

        w = win.load_setting(os.path.join(tmp, "plain"), WINDOW, command)
        segment = evaluate.time_segments(w)
        train, test = w.subset(segment != 2), w.subset(segment == 2)
        if len(set(test.type)) < 2:
            fail("the test windows hold fewer than two types: %s" % collections.Counter(test.type))
        model = gru_model.train(train, hidden=16, epochs=20, per_device=200, seed=1)
        path = os.path.join(tmp, "test.model")
        model.write(path, "written by test_devtype_pipeline.py")
        loaded = gru_model.GruModel.read(path)
        predicted = loaded.predict(test.x)
        accuracy = (predicted == test.type).mean()
        chance = max(collections.Counter(test.type).values()) / len(test)
        forest = (baseline.Forest(train, 200, 1).predict(test.x) == test.type).mean()
        print("%d test windows: GRU %.3f, forest %.3f, chance %.3f" % (len(test), accuracy, forest, chance))
        if accuracy <= chance:
            fail("the GRU (%.3f) does no better than always answering the commonest type (%.3f)" % (accuracy, chance))
        tshark = iotfp_tshark.Tshark()
        for setting in ("plain", "tunnel"):
            checked = check_plugin(tshark, loaded, path, os.path.join(tmp, setting), command)
            print("%s: the plugin agrees with the numpy GRU on %d typed frames" % (setting, checked))
            if checked < 1000:
                fail("%s: only %d frames typed by the plugin" % (setting, checked))
    print("PASS")


if __name__ == "__main__":
    main()
