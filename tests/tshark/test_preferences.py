"""The iotfp preferences change the analysis as documented, and bad values
give a clear message and keep what was in force, without a crash. A broken
signature or platform rules file is reported with its file and line and
takes nothing else down: the bundled signature of the model it meant to
override stays, and so do the rules of the other files. (A file that breaks
after it once loaded keeps giving its old content: tests/unit/test_good_texts.c,
since one tshark run reads its files once.)"""
import os
import shutil
import sys
import tempfile

import iotfp_tshark

FIELDS = ["frame.number", "iotfp.device", "iotfp.cloud", "iotfp.scope", "iotfp.conv", "iotfp.burst"]
failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


def summary(rows):
    bursts = {r["iotfp.burst"] for r in rows if r["iotfp.burst"]}
    convs_with_bursts = {r["iotfp.conv"] for r in rows if r["iotfp.burst"]}
    devices = {r["iotfp.device"] for r in rows if r["iotfp.device"]}
    return bursts, convs_with_bursts, devices


def events_and_platforms(tshark, capture, extra):
    proc = tshark.run(["-r", tshark.readable_copy(capture), "-2", "-T", "fields", "-e", "iotfp.event",
                       "-e", "iotfp.platform"] + extra, check=False)
    expect(proc.returncode == 0, "%s: tshark exited %d: %s" % (extra, proc.returncode, proc.stderr))
    return [tuple(line.split("\t")) for line in proc.stdout.splitlines()], proc.stderr


# The generated demo capture names no cloud and carries no platform header, so
# no bundled model applies to it by itself (a port is no evidence): its motion
# sensor, on the MQTT port, is pinned to the bundled tuya-plug model.
PIN_TUYA = ["-o", 'uat:iotfp_device_models:"192.168.1.22","tuya-plug"']


def check_broken_files(tshark, capture):
    bundled = tshark.install_bundled_data()
    unpinned, _ = events_and_platforms(tshark, capture, [])
    expect(all(event in ("", "other") for event, _ in unpinned),
           "a bundled model claimed a device of a capture with no platform evidence")
    default, _ = events_and_platforms(tshark, capture, PIN_TUYA)
    expect(any(event not in ("", "other") for event, _ in default), "no event with the bundled signatures")

    # A broken override of a bundled model: reported, and the bundled model stays.
    with open(os.path.join(bundled, "tuya-plug.sig")) as f:
        lines = f.read().splitlines()
    first_sample = next(i for i, line in enumerate(lines) if line.startswith("sample "))
    lines[first_sample] = "sample +12 nonsense"
    broken_signature = tshark.write_text("user-signatures", "tuya-plug.sig", "\n".join(lines) + "\n")
    rows, stderr = events_and_platforms(tshark, capture,
                                        PIN_TUYA + ["-o", "iotfp.signature_path:" + os.path.dirname(broken_signature)])
    where = "%s:%d:" % (broken_signature, first_sample + 1)
    expect(where in stderr and "'nonsense'" in stderr, "broken signature: no %s message, stderr %r" % (where, stderr))
    expect(rows == default, "broken signature override: events differ from the bundled signatures'")

    # Platform rules: a good file and a broken one; the good file's rules hold.
    good = tshark.write_text("user-rules", "good.rules", "iotfp-platforms 1\nplatform acme\nsufficient port 8883\n")
    broken = tshark.write_text("user-rules", "broken.rules",
                               "iotfp-platforms 1\nplatform acme2\nsufficient port 8883\nsufficient colour blue\n")
    rows, stderr = events_and_platforms(tshark, capture, ["-o", "iotfp.platform_rules:" + good])
    expect(any(platform == "acme" for _, platform in rows), "good.rules: no conversation of platform acme")
    both, stderr = events_and_platforms(tshark, capture, ["-o", "iotfp.platform_rules:%s:%s" % (good, broken)])
    expect(broken + ":4:" in stderr, "broken.rules: no file:line message, stderr %r" % stderr)
    expect(both == rows, "broken.rules took the good file's rules down")


def check_out_of_range(tshark, capture):
    """A number beyond the documented range: a message, and the value in force stays."""
    for name, value, kept in (("actions_listed", 99999999, 16), ("actions_confidence", 101, 50)):
        proc = tshark.run(["-r", tshark.readable_copy(capture), "-c", "1", "-o", "iotfp.%s:%d" % (name, value)],
                          check=False)
        want = "iotfp.%s is %d, more than" % (name, value)
        expect(proc.returncode == 0 and want in proc.stderr and "keeping %d" % kept in proc.stderr,
               "%s %d: exit %d, stderr %r" % (name, value, proc.returncode, proc.stderr))


def check_damaged_personal_copies(tshark, work):
    """Personal copies of the bundled files that are a folder, a link to a device or a file with a bad
    line: each said once, with file and line, and the system's copy used instead, so that nothing the
    plugin knows is lost (platforms, device types and activities all still show)."""
    capture, _, _ = iotfp_tshark.generate("home", work)
    repo = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "signatures")
    system = tshark.private_dir("system-share/iotfp/signatures")
    for parent in ("system-share", "system-share/iotfp"):
        os.chmod(os.path.join(tshark.home, parent), 0o755)
    for name in ("platforms.rules", "device-types.model", "activities.rules"):
        shutil.copy(os.path.join(repo, name), system)
        os.chmod(os.path.join(system, name), 0o644)
    # The bundled signatures from the preference, in both runs: the damaged
    # data home has none, and events are what activities are made of.
    signatures = tshark.private_dir("bundled-signatures")
    for name in os.listdir(repo):
        if name.endswith(".sig"):
            shutil.copy(os.path.join(repo, name), signatures)
            os.chmod(os.path.join(signatures, name), 0o644)
    options = ["-o", "iotfp.activity_time_zone:-05:00", "-o", "iotfp.signature_path:" + signatures]
    fields = ["-T", "fields", "-e", "iotfp.platform", "-e", "iotfp.device.type", "-e", "iotfp.activity"]
    intact = tshark.run(["-r", tshark.readable_copy(capture), "-2"] + fields + options).stdout

    data_home = tshark.private_dir("damaged-data-home")
    folder = os.path.join(data_home, "iotfp", "signatures")
    os.makedirs(os.path.join(folder, "platforms.rules"))
    os.symlink("/dev/zero", os.path.join(folder, "device-types.model"))
    with open(os.path.join(folder, "activities.rules"), "w") as f:
        f.write("iotfp-activities 2\nactivity a\nstep colour:red\nend\n")
    for root, dirs, files in os.walk(data_home):
        for name in dirs + files:
            os.chmod(os.path.join(root, name), 0o755)
    proc = tshark.run(["-r", tshark.readable_copy(capture), "-2"] + fields + options, check=False,
                      extra_env={"XDG_DATA_HOME": data_home})
    expect(proc.returncode == 0, "damaged personal copies: tshark exited %d" % proc.returncode)
    for problem in ("%s: not a regular file" % os.path.join(folder, "platforms.rules"),
                    "%s: not a regular file" % os.path.join(folder, "device-types.model"),
                    "%s:3: 'colour:red' is not a term" % os.path.join(folder, "activities.rules")):
        expect(proc.stderr.count(problem) == 1, "damaged personal copy: want one message %r, stderr %r"
               % (problem, proc.stderr))
    expect(proc.stderr.count("Using %s" % system) == 3, "the system copies are not named as used: %r" % proc.stderr)
    columns = [set(column) for column in zip(*(line.split("\t") for line in intact.splitlines()))]
    expect(all(len(column) > 1 for column in columns), "the intact run shows no platform, type or activity")
    expect(proc.stdout == intact, "damaged personal copies changed what the plugin shows")


def main():
    tshark = iotfp_tshark.Tshark()
    with tempfile.TemporaryDirectory() as work:
        capture, truth, _ = iotfp_tshark.generate("demo", work)
        default = tshark.fields(capture, FIELDS)
        bursts, convs, devices = summary(default)

        # A gap longer than the capture: one burst per conversation.
        rows = tshark.fields(capture, FIELDS, ["-o", "iotfp.burst_gap:100000000"])
        long_bursts, long_convs, _ = summary(rows)
        expect(len(long_bursts) == len(long_convs) == len(convs),
               "burst_gap longer than the capture: %d bursts in %d conversations, want one each of %d"
               % (len(long_bursts), len(long_convs), len(convs)))
        # A 1 ms gap splits bursts apart.
        short_bursts, _, _ = summary(tshark.fields(capture, FIELDS, ["-o", "iotfp.burst_gap:1"]))
        expect(len(short_bursts) > len(bursts), "burst_gap 1 ms: %d bursts, want more than the default %d"
               % (len(short_bursts), len(bursts)))

        # Only the plug at home: every other address is outside.
        rows = tshark.fields(capture, FIELDS, ["-o", "iotfp.home_networks:192.168.1.23/32"])
        _, _, only = summary(rows)
        expect(only == {"192.168.1.23"}, "home_networks 192.168.1.23/32: devices %s" % sorted(only))

        # A typo: a message naming the item, and the default networks stay.
        proc = tshark.run(["-r", tshark.readable_copy(capture), "-2", "-T", "fields", "-e", "iotfp.device",
                           "-o", "iotfp.home_networks:192.168.0.0/16, 10.0.0.0/33"], check=False)
        expect(proc.returncode == 0, "bad home_networks: tshark exited %d" % proc.returncode)
        expect("'10.0.0.0/33' is not a network" in proc.stderr,
               "bad home_networks: no clear message, stderr was: %r" % proc.stderr)
        kept = {line for line in proc.stdout.splitlines() if line}
        expect(kept == devices, "bad home_networks: devices %s, want the defaults' %s" % (sorted(kept), sorted(devices)))

        check_broken_files(tshark, capture)
        check_out_of_range(tshark, capture)
        check_damaged_personal_copies(tshark, work)

        # Not a number: Wireshark's own preference check refuses it cleanly.
        proc = tshark.run(["-r", tshark.readable_copy(capture), "-o", "iotfp.burst_gap:soon"], check=False)
        expect(proc.returncode > 0 and "burst_gap" in proc.stderr,
               "burst_gap 'soon': exit %d, stderr %r" % (proc.returncode, proc.stderr))

    for failure in failures:
        print("FAIL:", failure)
    print("%d default bursts; %d preference checks failed" % (len(bursts), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
