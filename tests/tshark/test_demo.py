"""make demo's workflow, run by the tests' tshark (make demo-run, with the
freshly built plugin): iotfp-learn learns the demo home's five devices and its
gateway from a first evening, then the second evening's timeline must show
every device with its platform, the events named right (iotfp-eval, at least
95% by exact label, no false event), the gateway's commands with action sets,
and the activities of the evening out."""
import os
import re
import subprocess
import sys
import tempfile

import activity_reference
import iotfp_tshark

SOURCE = os.environ["IOTFP_SOURCE"]
BUILD = os.environ["IOTFP_BUILD"]
# The demo home (iotfp-gen --scenario home): device, platform its traffic shows.
PLATFORMS = {"192.168.1.22": "tuya", "192.168.1.23": "tplink", "192.168.1.61": "mijia", "192.168.1.70": "joylink",
             "fd00:1::31": "aws-iot"}
GATEWAY = "192.168.1.50"


def main():
    failures = []

    def expect(ok, message):
        if not ok:
            failures.append(message)
            print("FAIL: " + message)

    tshark = iotfp_tshark.Tshark()
    tshark.install_bundled_data()  # as make demo installs it
    demo_dir = tempfile.mkdtemp(prefix="iotfp-demo-")
    os.chmod(demo_dir, 0o755)  # the tests' tshark runs as nobody
    result = subprocess.run(["make", "--no-print-directory", "-C", SOURCE, "demo-run", "BUILD=" + BUILD,
                             "DEMO_DIR=" + demo_dir], env=iotfp_tshark.environment_without_preload(IOTFP_TSHARK=tshark.wrapper_script()),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1200)
    print(result.stdout[-6000:])
    expect(result.returncode == 0, "make demo-run exited %d" % result.returncode)

    timeline = activity_reference.parse_timeline(result.stdout)
    devices = timeline["devices"]
    for device, platform in sorted(PLATFORMS.items()):
        rows = devices.get(device, [])
        expect(rows and all(r["platform"] == platform for r in rows),
               "%s: platforms %s, want %s" % (device, sorted({r["platform"] for r in rows}), platform))
        expect(all(r["event"] for r in rows), "%s: a line without an event" % device)
    commands = devices.get(GATEWAY, [])
    expect(commands and all(r["actions"] and r["model"] == "hub" for r in commands),
           "gateway %s: %d lines, %d with an action set of model hub" %
           (GATEWAY, len(commands), sum(1 for r in commands if r["actions"] and r["model"] == "hub")))
    activities = {a["activity"] for a in timeline["activities"]}
    expect({"leaving_briefly", "coming_back"} <= activities, "activities %s" % sorted(activities))
    expect("What leaked, per device" in result.stdout, "no summary of what leaked")

    score = re.search(r"^RESULT device=all labelled=(\d+) exact=(\d+) contained=\d+ false=(\d+)", result.stdout, re.M)
    expect(score is not None, "iotfp-eval printed no RESULT line")
    if score:
        labelled, exact, false = map(int, score.groups())
        expect(labelled >= 25 and exact >= 0.95 * labelled, "exact %d of %d labelled events" % (exact, labelled))
        expect(false == 0, "%d false events" % false)
        print("demo: %d of %d events exact, %d false; %d gateway commands; activities %s"
              % (exact, labelled, false, len(commands), sorted(activities)))
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
