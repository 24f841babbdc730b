"""The timeline on a generated home (iotfp-gen --scenario demo) with a rules
file of the user's, through the iotfp.activity_rules preference: the
activities are those an independent reading of that file implies from the
events -T fields shows. A broken rules file is reported with its name and
line, and the bundled rules stay in force; so does the zone after a bad time
zone."""
import os
import sys
import tempfile

import activity_reference
import iotfp_tshark
from test_events_generated import write_signatures

BUNDLED_RULES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "signatures", "activities.rules")
USER_RULES = """iotfp-activities 1
# Someone came in: the door unlocked, then movement within 2 minutes.
activity arriving
step event:unlock
step privacy:presence within 2m

# The plug rests: switched off, then 80 s without any power event.
activity plug_rest
step event:power_off
quiet after 80s privacy:power

# Movement after 100 s without any, with a door event in the 5 minutes before.
activity moving_again
step event:motion
quiet before 100s event:motion
seen before 5m privacy:door
"""
BROKEN_RULES = "iotfp-activities 1\nactivity leaving\nstep any within 5m\n"
failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o644)
    return path


def main():
    tshark = iotfp_tshark.Tshark()
    bundled = os.path.join(tshark.install_data([BUNDLED_RULES]), "activities.rules")
    folder = tshark.private_dir("signatures")
    with tempfile.TemporaryDirectory() as work:
        _, learn_truth, _ = iotfp_tshark.generate("demo", work, seed=1)
        generated, _, _ = iotfp_tshark.generate("demo", work, seed=2)
        capture = tshark.readable_copy(generated)
    options = ["-o", "iotfp.signature_path:" + folder, "-o", "iotfp.activity_time_zone:UTC"]
    for device, (model, by_name) in write_signatures(learn_truth, folder).items():
        if not by_name:
            options += ["-o", 'uat:iotfp_device_models:"%s","%s"' % (device, model)]
    rules_dir = tshark.private_dir("rules")
    user = write(rules_dir, "home.rules", USER_RULES)
    broken = write(rules_dir, "broken.rules", BROKEN_RULES)

    # The user's rules replace the bundled ones.
    user_options = options + ["-o", "iotfp.activity_rules:" + user]
    proc = tshark.run(["-r", capture, "-q", "-z", "iotfp,timeline"] + user_options)
    timeline = activity_reference.parse_timeline(proc.stdout)
    expect("Activity rules: %s (3 rules)" % user in timeline["header"], "header: %r" % timeline["header"])
    events, _, start, end = activity_reference.capture_events(tshark, capture, user_options)
    expect(sum(len(rows) for rows in timeline["devices"].values()) == len(events),
           "the timeline lists %d events, -T fields %d" % (sum(map(len, timeline["devices"].values())), len(events)))
    implied = activity_reference.check_activities(expect, "user rules", USER_RULES, timeline, events, start, end,
                                                  "UTC")
    expect({a for _, a in implied} == {"arriving", "plug_rest", "moving_again"},
           "every user rule should fire on the demo home: %s" % sorted(implied))

    # A broken file: its name and line, and the bundled rules stay in force.
    broken_options = options + ["-o", "iotfp.activity_rules:" + broken, "-o", "iotfp.activity_time_zone:Mars/Olympus"]
    proc = tshark.run(["-r", capture, "-q", "-z", "iotfp,timeline"] + broken_options)
    expect("broken.rules:3: the first step has no 'within'" in proc.stderr and "stay in force" in proc.stderr,
           "a broken rules file should be reported with file and line: %r" % proc.stderr)
    expect("'Mars/Olympus' is not a time zone" in proc.stderr, "a bad time zone should be reported: %r" % proc.stderr)
    timeline = activity_reference.parse_timeline(proc.stdout)
    with open(BUNDLED_RULES) as f:
        bundled_text = f.read()
    n_bundled = len(activity_reference.parse_rules(bundled_text))
    expect("Activity rules: %s (%d rules); home time zone: UTC" % (bundled, n_bundled) in timeline["header"],
           "after a broken file the bundled rules and UTC should be in force: %r" % timeline["header"])
    events, _, start, end = activity_reference.capture_events(tshark, capture, broken_options)
    activity_reference.check_activities(expect, "bundled rules", bundled_text, timeline, events, start, end, "UTC")

    for failure in failures:
        print("FAIL:", failure)
    print("%d events; user rules imply %s; %d failures" % (len(events), sorted(implied), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
