"""Screenshots of the real Wireshark GUI with the "IoT Fingerprint" profile
on the demo capture: the packet list, the detail trees of a privacy-sensitive
event and of a gateway command's action sets, and each Statistics > IoT
Fingerprint dialog, as PNGs.

Run by `make screenshots`, inside xvfb-run (the X server must accept the
unprivileged user Wireshark runs as: -ac). Wireshark loads the freshly built
plugin exactly as the tshark tests do (tests/tshark/iotfp_tshark.py: a
throwaway HOME, as 'nobody' when root). The capture is the demo home of
`make demo` (iotfp-gen --scenario demo --seed 1) with the miio scenario's
plug and a Mijia gateway (--scenario mijia-gateway, built-in vocabulary)
merged in; the signatures are written from the truth of another seed, as in
tests/tshark/test_events_generated.py, and the gateway's action model is
learned by iotfp-learn --actions from labelled captures of other seeds, as in
tests/tshark/test_actions_generated.py.
Fails when Wireshark reports a problem while loading the profile.

Environment: IOTFP_PLUGIN, IOTFP_GLOBAL_PLUGIN_DIR, IOTFP_GEN (as for the
tests) and DISPLAY."""
import argparse
import os
import shutil
import subprocess
import struct
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "tshark"))
import iotfp_tshark  # noqa: E402
from test_events_generated import write_signatures  # noqa: E402
from test_actions_generated import GATEWAYS, generate as generate_gateway, run as run_checked  # noqa: E402

PROFILE = "IoT Fingerprint"
PCAP_MICROSECONDS, PCAP_NANOSECONDS = 0xA1B2C3D4, 0xA1B23C4D
PLUG = "xiaomi-plug"
GATEWAY = "mijia-gateway"
# Commands in the home's gateway capture, one per 20 s: within the demo's ten minutes.
GATEWAY_COMMANDS = 25
# Captures the gateway's action model is learned from: seeds other than the home's.
GATEWAY_TRAINING = [(2, "random"), (3, "random")]
SCREEN = (1280, 900)  # the Xvfb screen that make screenshots starts
# Statistics > IoT Fingerprint, in menu order, and the file each dialog goes to.
STATS_DIALOGS = [("Actions", "stats-actions.png"), ("Devices", "stats-devices.png"),
                 ("Events", "stats-events.png"), ("Platforms", "stats-platforms.png")]
# Lines Wireshark prints on a headless machine whatever the profile.
ENVIRONMENT_NOISE = ("nl80211 not found.",)


def first_packet_time(pcap):
    """Seconds since the epoch of a pcap file's first packet."""
    with open(pcap, "rb") as f:
        header = f.read(24 + 8)
    magic = struct.unpack("<I", header[:4])[0]
    byte_order = "<" if magic in (PCAP_MICROSECONDS, PCAP_NANOSECONDS) else ">"
    if byte_order == ">":
        magic = struct.unpack(">I", header[:4])[0]
    seconds, fraction = struct.unpack(byte_order + "II", header[24:32])
    return seconds + fraction / (1e9 if magic == PCAP_NANOSECONDS else 1e6)


def xdotool(*args, check=True):
    return subprocess.run(["xdotool"] + list(args), capture_output=True, text=True, check=check).stdout.split()


class Wireshark:
    """One Wireshark window on the capture; closed on exit of the with block."""

    def __init__(self, session, args, upper_pane=330):
        self.session = session
        self.args = args
        self.upper_pane = upper_pane

    def __enter__(self):
        s = self.session
        s.set_layout(self.upper_pane)
        self.proc = subprocess.Popen(s.tshark.prefix + ["wireshark", "-C", PROFILE, "-r", s.capture] + self.args,
                                     env=s.env, cwd=s.tshark.home, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.window = self.wait_for_window(os.path.basename(s.capture))
        time.sleep(3)  # the file is read and the list drawn after the window maps
        # Wireshark shows problems with a profile's files in message boxes.
        others = [w for w in xdotool("search", "--onlyvisible", "--name", ".", check=False) if w != self.window]
        if others:
            self.fail("wireshark opened %s beside its main window"
                      % ", ".join(repr(" ".join(xdotool("getwindowname", w))) for w in others))
        return self

    def fail(self, message):
        self.proc.terminate()
        sys.exit("FAIL: %s; stderr:\n%s" % (message, self.proc.communicate(timeout=30)[1]))

    def wait_for_window(self, title, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                sys.exit("FAIL: wireshark exited %d:\n%s" % (self.proc.returncode, self.proc.communicate()[1]))
            windows = xdotool("search", "--onlyvisible", "--name", title, check=False)
            if windows:
                return windows[-1]
            time.sleep(0.5)
        sys.exit("FAIL: no window named %r after %d s" % (title, timeout))

    def keys(self, *keys):
        xdotool("windowfocus", "--sync", self.window)
        for key in keys:
            xdotool("key", "--clearmodifiers", key)
            time.sleep(0.4)

    def click(self, x, y):
        xdotool("mousemove", "--window", self.window, str(x), str(y), "click", "1")
        time.sleep(0.4)

    def open_iotfp_details(self):
        """Opens the selected packet's IoT Fingerprint tree with all its subtrees."""
        # The details pane: its last item is IoT Fingerprint.
        self.click(SCREEN[0] // 2, SCREEN[1] - 60)
        self.keys("End", "shift+Right")
        # Previous packet and back: the list scrolls to the selected packet,
        # whose IoT Fingerprint subtrees stay open.
        self.keys("ctrl+Up", "ctrl+Down")

    def shoot(self, name):
        time.sleep(1)
        path = os.path.join(self.session.out, name)
        # 256 colours: a fourth of the size, the same picture for a GUI.
        subprocess.run(["import", "-window", "root", "png8:" + path], check=True)
        print("wrote", path)

    def __exit__(self, *exc):
        self.proc.terminate()
        _, err = self.proc.communicate(timeout=30)
        problems = [line for line in err.splitlines() if line.strip() and line.strip() not in ENVIRONMENT_NOISE]
        if problems:
            sys.exit("FAIL: wireshark -C %r printed:\n%s" % (PROFILE, "\n".join(problems)))


class Session:
    def __init__(self, out, work):
        self.out = out
        self.tshark = iotfp_tshark.Tshark()
        self.generated = self.demo_home(work)
        _, learn_truth, _ = iotfp_tshark.generate("demo", work, seed=2)
        self.capture = self.tshark.readable_copy(self.generated)
        signatures = self.tshark.private_dir("signatures")
        options = ["-o", "iotfp.signature_path:" + signatures, "-o",
                   "iotfp.platform_rules:" + self.tshark.readable_copy(os.path.join(ROOT, "signatures",
                                                                                  "platforms.rules"))]
        for device, (model, by_name) in write_signatures(learn_truth, signatures).items():
            if not by_name:
                options += ["-o", 'uat:iotfp_device_models:"%s","%s"' % (device, model)]
        self.options = options + self.learn_xiaomi_models(signatures)
        self.install_profile()
        self.env = dict(self.tshark.env, DISPLAY=os.environ["DISPLAY"],
                        XDG_RUNTIME_DIR=self.tshark.private_dir("runtime"))
        os.chmod(self.env["XDG_RUNTIME_DIR"], 0o700)
        self.chown(self.env["XDG_RUNTIME_DIR"])

    @staticmethod
    def demo_home(work):
        """The demo home of make demo with the miio scenario's Xiaomi plug moved into
        its first minutes, so that a platform shows (the demo's clouds are made up),
        and a Mijia gateway sending scene commands (iotfp-gen --scenario mijia-gateway)."""
        demo, _, _ = iotfp_tshark.generate("demo", work, seed=1)
        miio, _, _ = iotfp_tshark.generate("miio", work, seed=1)
        gateway = os.path.join(work, GATEWAY + ".pcap")
        run_checked([os.environ["IOTFP_GEN"], "--scenario", GATEWAY, "--seed", "1", "--mix", "scenes",
                     "--commands", str(GATEWAY_COMMANDS), "--pcap", gateway])
        start = first_packet_time(demo)
        parts = [demo]
        for capture, delay in ((miio, 10), (gateway, 20)):
            shift = start + delay - first_packet_time(capture)
            iotfp_tshark.run_tool(["editcap", "-t", "%.6f" % shift, capture, capture + ".shifted"])
            parts.append(capture + ".shifted")
        home = os.path.join(work, "home.pcap")
        iotfp_tshark.run_tool(["mergecap", "-F", "pcap", "-w", home] + parts)
        return home

    def learn_xiaomi_models(self, signatures):
        """The plug's event model and the gateway's action model, learned by iotfp-learn from
        labelled captures of other seeds (as tests/tshark/test_learn_eval.py and
        test_actions_generated.py do), and the options that pin each to its device: both reach
        their cloud on port 8053, and a pinned device's events come from its own model only."""
        training = self.tshark.private_dir("xiaomi-training")
        plug, _, plug_labels = iotfp_tshark.generate("miio", training, seed=2)
        plug_device = plug_labels[0]["device_ip"]
        gateway_inputs = []
        for seed, mix in GATEWAY_TRAINING:
            capture, labels, gateway_labels = generate_gateway(training, GATEWAY, seed, mix, None)
            gateway_inputs += [capture, labels]
        gateway_device = gateway_labels[0]["device_ip"]
        learn = iotfp_tshark.tool("iotfp-learn")
        env = dict(os.environ, IOTFP_TSHARK=self.tshark.wrapper_script())
        gateway_options = {name: options for name, options, _ in GATEWAYS}[GATEWAY]
        pins = []
        plug_inputs = [plug, os.path.splitext(plug)[0] + ".labels.csv"]
        for model, device, command in [
                (PLUG, plug_device, ["--device", plug_device, "--match", "port:8053"] + plug_inputs),
                (GATEWAY, gateway_device, ["--actions"] + gateway_options + gateway_inputs)]:
            out = os.path.join(signatures, model + ".sig")
            run_checked([learn, "--model", model, "--out", out] + command, env=env)
            os.chmod(out, 0o644)
            pins += ["-o", 'uat:iotfp_device_models:"%s","%s"' % (device, model)]
        return pins

    def chown(self, path):
        if self.tshark.prefix:
            subprocess.run(["chown", "-R", "nobody:nogroup", path], check=True)

    def install_profile(self):
        """The profile as make demo installs it, and a window filling the screen."""
        config = os.path.join(self.tshark.home, ".config", "wireshark")
        profile = os.path.join(config, "profiles", PROFILE)
        shutil.copytree(os.path.join(ROOT, "profiles", PROFILE), profile)
        self.recent = os.path.join(profile, "recent")
        with open(self.recent) as f:
            self.profile_recent = f.read()
        with open(os.path.join(config, "recent_common"), "w") as f:
            f.write("gui.geometry_main_x: 0\ngui.geometry_main_y: 0\ngui.geometry_main_width: %d\n"
                    "gui.geometry_main_height: %d\ngui.geometry_main_maximized: FALSE\n"
                    "privs.warn_if_elevated: FALSE\nsys.warn_if_no_capture: FALSE\n" % SCREEN)
        self.chown(os.path.join(self.tshark.home, ".config"))

    def set_layout(self, upper_pane):
        """The profile's layout with the packet list upper_pane pixels high."""
        with open(self.recent, "w") as f:
            f.write(self.profile_recent + "gui.geometry_main_upper_pane: %d\n" % upper_pane)

    def privacy_event_frame(self):
        """First frame of the first privacy-sensitive event, as tshark sees it."""
        rows = self.tshark.fields(self.generated, ["frame.number", "iotfp.burst.start", "iotfp.event.privacy"],
                                  self.options)
        for r in rows:
            if r["iotfp.event.privacy"] and r["iotfp.burst.start"] == r["frame.number"]:
                return int(r["frame.number"])
        sys.exit("FAIL: the demo capture shows no privacy-sensitive event")

    def gateway_command_frame(self):
        """First frame of the gateway command with the fewest candidate action sets
        (the earliest of those): its candidates subtree fits the details pane."""
        rows = self.tshark.fields(self.generated, ["frame.number", "iotfp.burst.start", "iotfp.actions",
                                                   "iotfp.actions.candidates"], self.options)
        commands = [(int(r["iotfp.actions.candidates"]), int(r["frame.number"])) for r in rows
                    if r["iotfp.actions"] and r["iotfp.burst.start"] == r["frame.number"]]
        if not commands:
            sys.exit("FAIL: the plugin decomposed no command of the gateway into actions")
        return min(commands)[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=HERE, help="folder for the PNGs (default: this script's)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        session = Session(args.out, work)
        frame = session.privacy_event_frame()
        with Wireshark(session, session.options + ["-g", str(frame + 20)], upper_pane=640) as ws:
            ws.shoot("packet-list.png")
        with Wireshark(session, session.options + ["-g", str(frame)]) as ws:
            ws.open_iotfp_details()
            ws.shoot("event-detail.png")
        # A lower packet list: the command's candidates fill the details pane.
        with Wireshark(session, session.options + ["-g", str(session.gateway_command_frame())],
                       upper_pane=200) as ws:
            ws.open_iotfp_details()
            ws.shoot("action-detail.png")
        for position, (name, png) in enumerate(STATS_DIALOGS):
            with Wireshark(session, session.options) as ws:
                # Plugin trees close the Statistics menu: up from the first item wraps to them.
                ws.keys("alt+s", "Up", "Right", *(["Down"] * position), "Return")
                ws.wait_for_window(name)
                ws.shoot(png)


if __name__ == "__main__":
    main()
