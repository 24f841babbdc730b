"""Device types in tshark: with a model file, iotfp.device.type and its
confidence appear on the conversations of a generated capture, and
iotfp.tunnel.window with a type per window on a WireGuard tunnel. The
expected answers come from the features iotfp-sequences prints, run through
a GRU written here in plain Python from the model file's documented formula,
so the test checks the plugin's features against the tool's and its
inference against the format's definition. Without a model there are no
fields and no messages; a broken model file is reported with its line."""
import csv
import io
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

import iotfp_tshark

N_FEATURES = 11
WINDOW = 4
HIDDEN = 8
CLASSES = ["plug", "camera", "hub"]
TYPE_WINDOWS = 4  # IOTFP_SEQ_TYPE_WINDOWS
BUNDLED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "signatures", "device-types.model")
FIELDS = ["frame.number", "iotfp.conv", "iotfp.device.type", "iotfp.device.type.confidence", "iotfp.tunnel.window"]


def random_model(seed):
    rng = random.Random(seed)
    rows = 3 * HIDDEN

    def numbers(n, scale=1.0):
        return [rng.uniform(-scale, scale) for _ in range(n)]

    model = {"mean": numbers(N_FEATURES), "std": [rng.uniform(0.5, 3) for _ in range(N_FEATURES)],
             "W_ih": numbers(rows * N_FEATURES), "W_hh": numbers(rows * HIDDEN), "b_ih": numbers(rows),
             "b_hh": numbers(rows), "W_out": numbers(len(CLASSES) * HIDDEN, 3), "b_out": numbers(len(CLASSES))}

    def text(values):
        return " ".join("%.6g" % v for v in values)

    lines = ["iotfp-device-model 1", "# random weights for tests/tshark/test_device_types.py", "kind gru",
             "features %d" % N_FEATURES, "window %d" % WINDOW, "hidden %d" % HIDDEN,
             "classes %d %s" % (len(CLASSES), " ".join(CLASSES)), "mean " + text(model["mean"]),
             "std " + text(model["std"]), "matrix W_ih %d %d %s" % (rows, N_FEATURES, text(model["W_ih"])),
             "matrix W_hh %d %d %s" % (rows, HIDDEN, text(model["W_hh"])),
             "vector b_ih %d %s" % (rows, text(model["b_ih"])), "vector b_hh %d %s" % (rows, text(model["b_hh"])),
             "matrix W_out %d %d %s" % (len(CLASSES), HIDDEN, text(model["W_out"])),
             "vector b_out %d %s" % (len(CLASSES), text(model["b_out"]))]
    # What the file says, as the plugin reads it: the numbers as written.
    for key in model:
        model[key] = [float("%.6g" % v) for v in model[key]]
    return model, "\n".join(lines) + "\n"


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def gru_window(model, packets):
    """Class probabilities after a window of feature vectors, h0 = 0."""
    h = [0.0] * HIDDEN
    for f in packets:
        x = [(f[i] - model["mean"][i]) / model["std"][i] for i in range(N_FEATURES)]
        gi = [model["b_ih"][r] + sum(model["W_ih"][r * N_FEATURES + i] * x[i] for i in range(N_FEATURES))
              for r in range(3 * HIDDEN)]
        gh = [model["b_hh"][r] + sum(model["W_hh"][r * HIDDEN + j] * h[j] for j in range(HIDDEN))
              for r in range(3 * HIDDEN)]
        new = []
        for j in range(HIDDEN):
            r = sigmoid(gi[j] + gh[j])
            z = sigmoid(gi[HIDDEN + j] + gh[HIDDEN + j])
            n = math.tanh(gi[2 * HIDDEN + j] + r * gh[2 * HIDDEN + j])
            new.append((1 - z) * n + z * h[j])
        h = new
    logits = [model["b_out"][k] + sum(model["W_out"][k * HIDDEN + j] * h[j] for j in range(HIDDEN))
              for k in range(len(CLASSES))]
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    return [e / sum(exps) for e in exps]


def expected_types(model, sequences_csv):
    """frame -> (window or None, type or None, confidence or None), from the tool's features."""
    by_conv = {}
    for row in csv.DictReader(io.StringIO(sequences_csv)):
        by_conv.setdefault(int(row["conversation"]), []).append(row)
    expected = {}
    for rows in by_conv.values():
        windows = [rows[i:i + WINDOW] for i in range(0, len(rows), WINDOW)]
        tunnel = rows[0]["tunnel"] == "1"
        # A conversation is typed from its first windows only.
        results = [gru_window(model, [[float(r["f%d" % i]) for i in range(N_FEATURES)] for r in w])
                   if len(w) == WINDOW and (tunnel or n < TYPE_WINDOWS) else None for n, w in enumerate(windows)]
        if tunnel:
            for w, result in zip(windows, results):
                for r in w:
                    best = max(range(len(CLASSES)), key=result.__getitem__) if result else None
                    expected[int(r["frame"])] = (int(r["window"]), best, result)
        else:
            typed = [p for p in results[:TYPE_WINDOWS] if p]
            sums = [sum(p[k] for p in typed) for k in range(len(CLASSES))] if typed else None
            for r in rows:
                if sums:
                    best = max(range(len(CLASSES)), key=sums.__getitem__)
                    expected[int(r["frame"])] = (None, best, [s / len(typed) for s in sums])
                else:
                    expected[int(r["frame"])] = (None, None, None)
    return expected


def check_rows(rows, expected, failures, what):
    checked = typed = 0
    for row in rows:
        frame = int(row["frame.number"])
        if frame not in expected:
            if row["iotfp.device.type"] or row["iotfp.tunnel.window"]:
                failures.append("%s frame %d: fields on a frame the tool has no features for" % (what, frame))
            continue
        window, best, probabilities = expected[frame]
        checked += 1
        got_window = int(row["iotfp.tunnel.window"]) if row["iotfp.tunnel.window"] else None
        if got_window != window:
            failures.append("%s frame %d: tunnel window %s, expected %s" % (what, frame, got_window, window))
        if best is None:
            if row["iotfp.device.type"]:
                failures.append("%s frame %d: type %s before any complete window" % (what, frame,
                                                                                     row["iotfp.device.type"]))
            continue
        typed += 1
        ranked = sorted(probabilities, reverse=True)
        near_tie = ranked[0] - ranked[1] < 1e-4  # float32 against double: either answer is right
        if not near_tie and row["iotfp.device.type"] != CLASSES[best]:
            failures.append("%s frame %d: type '%s', expected %s (probabilities %s)"
                            % (what, frame, row["iotfp.device.type"], CLASSES[best], probabilities))
        confidence = float(row["iotfp.device.type.confidence"] or "nan")
        if not abs(confidence - probabilities[best]) < 1e-4:
            failures.append("%s frame %d: confidence %s, expected %.6f" % (what, frame, confidence,
                                                                           probabilities[best]))
    return checked, typed


def write_wireguard_capture(path):
    """A home router's WireGuard tunnel to a VPN server, 27 packets (6 full
    windows and 3 packets more), beside one plain UDP conversation."""
    rng = random.Random(8)
    records = []
    t = 1700000000.0

    def udp(src, dst, sport, dport, payload_len):
        udp_header = struct.pack("!HHHH", sport, dport, 8 + payload_len, 0)
        total = 20 + 8 + payload_len
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0, 64, 17, 0, bytes(src), bytes(dst))
        eth = bytes.fromhex("020000000001020000000002") + b"\x08\x00"
        # WireGuard transport data: type 4, reserved, receiver index, counter.
        payload = (struct.pack("<I", 4) + bytes(12) + bytes(max(0, payload_len - 16)))[:payload_len]
        return eth + ip + udp_header + payload

    home, server, phone = [192, 168, 1, 50], [198, 51, 100, 7], [192, 168, 1, 60]
    for i in range(27):
        t += rng.uniform(0.001, 0.4)
        out = rng.random() < 0.5
        length = rng.choice([32, 48, 96, 148, 600, 1200])
        frame = udp(home, server, 51820, 51820, length) if out else udp(server, home, 51820, 51820, length)
        records.append((t, frame))
        if i % 5 == 0:
            records.append((t + 0.0005, udp(phone, [203, 0, 113, 9], 40000 + i % 2, 443, 200 + i)))
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, frame in records:
            f.write(struct.pack("<IIII", int(t), int(round((t - int(t)) * 1e6)), len(frame), len(frame)))
            f.write(frame)


def sequences(capture):
    proc = subprocess.run([iotfp_tshark.tool("iotfp-sequences"), "--window", str(WINDOW), capture],
                          capture_output=True, text=True, check=True)
    return proc.stdout


def check_tool_errors(work, failures):
    """iotfp-sequences explains what is wrong: exit 2 for the command line, 1 for the data."""
    program = iotfp_tshark.tool("iotfp-sequences")
    cases = [([program, "--window", "0", "x.pcap"], 2, "--window 0 is not from 1 to 4096"),
             ([program, "--home", "10.0.0.0/33", "x.pcap"], 2, "--home:"),
             ([program], 2, "give exactly one capture"),
             ([program, os.path.join(work, "missing.pcap")], 1, "missing.pcap: no such file")]
    for args, status, message in cases:
        proc = subprocess.run(args, capture_output=True, text=True)
        if proc.returncode != status or message not in proc.stderr:
            failures.append("%s: exit %d, %r; expected exit %d and %r"
                            % (" ".join(args[1:]), proc.returncode, proc.stderr.strip()[:200], status, message))


def main():
    failures = []
    tshark = iotfp_tshark.Tshark()
    model, text = random_model(8)
    models = tshark.private_dir("models")
    model_path = os.path.join(models, "test.model")
    with open(model_path, "w") as f:
        f.write(text)
    os.chmod(model_path, 0o644)
    use_model = ["-o", "iotfp.device_type_model:" + model_path]

    with tempfile.TemporaryDirectory() as work:
        capture, _, _ = iotfp_tshark.generate("demo", work)
        check_tool_errors(work, failures)
        table = sequences(capture)
        header = table.split("\n", 1)[0]
        if header != "conversation,device,peer,tunnel,window,frame,time," + ",".join("f%d" % i for i in range(11)):
            failures.append("iotfp-sequences header: %s" % header)
        expected = expected_types(model, table)
        rows = tshark.fields(capture, FIELDS, extra=use_model)
        checked, typed = check_rows(rows, expected, failures, "demo")
        if typed < 100:
            failures.append("demo: only %d of %d frames typed; the test needs conversations with full windows"
                            % (typed, checked))
        print("demo: %d frames checked, %d with a device type" % (checked, typed))

        tunnel = os.path.join(work, "wireguard.pcap")
        write_wireguard_capture(tunnel)
        expected = expected_types(model, sequences(tunnel))
        tunnel_frames = [f for f, (window, _, _) in expected.items() if window is not None]
        if len(tunnel_frames) != 27:
            failures.append("wireguard: iotfp-sequences saw %d tunnel packets, not 27" % len(tunnel_frames))
        rows = tshark.fields(tunnel, FIELDS, extra=use_model)
        checked, typed = check_rows(rows, expected, failures, "wireguard")
        windows = {row["iotfp.tunnel.window"] for row in rows if row["iotfp.tunnel.window"]}
        if windows != {str(w) for w in range(7)}:
            failures.append("wireguard: tunnel windows %s, expected 0 to 6" % sorted(windows))
        print("wireguard: %d frames checked, %d with a device type" % (checked, typed))

        # The bundled model, found in the user's XDG data folder without any preference.
        data = tshark.private_dir(os.path.join(".local", "share", "iotfp", "signatures"))
        bundled = os.path.join(data, "device-types.model")
        shutil.copy(BUNDLED, bundled)
        os.chmod(bundled, 0o644)
        for parent in (".local", os.path.join(".local", "share"), os.path.join(".local", "share", "iotfp")):
            os.chmod(os.path.join(tshark.home, parent), 0o755)
        with open(BUNDLED) as f:
            bundled_classes = next(line.split()[2:] for line in f if line.startswith("classes "))
        rows = tshark.fields(capture, FIELDS)
        types = {row["iotfp.device.type"] for row in rows if row["iotfp.device.type"]}
        if not types or not types <= set(bundled_classes):
            failures.append("bundled model from XDG_DATA_HOME: types %s, expected some of %s"
                            % (sorted(types), bundled_classes))
        print("bundled model: types %s on the demo capture" % sorted(types))
        os.remove(bundled)

        # No model: no fields, not a word.
        proc = tshark.run(["-r", tshark.readable_copy(capture), "-2", "-T", "fields", "-e", "iotfp.device.type",
                           "-e", "iotfp.tunnel.window"])
        if proc.stdout.strip() or proc.stderr.strip():
            failures.append("without a model: output %r, messages %r" % (proc.stdout.strip()[:80],
                                                                          proc.stderr.strip()))
        # A broken model: reported with its line, and no types.
        broken = os.path.join(models, "broken.model")
        with open(broken, "w") as f:
            f.write(text.replace("std ", "std 0 ", 1))
        os.chmod(broken, 0o644)
        proc = tshark.run(["-r", tshark.readable_copy(capture), "-2", "-T", "fields", "-e", "iotfp.device.type",
                           "-o", "iotfp.device_type_model:" + broken])
        if proc.stdout.strip():
            failures.append("a broken model still typed devices")
        if "%s:9:" % broken not in proc.stderr or "device-type model not used" not in proc.stderr:
            failures.append("a broken model was not reported with its line: %r" % proc.stderr.strip())

    for failure in failures[:30]:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
