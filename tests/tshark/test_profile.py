"""The "IoT Fingerprint" configuration profile (profiles/IoT Fingerprint) as
make demo installs it: `tshark -C "IoT Fingerprint"` prints its columns, and
the iotfp ones hold what -T fields says for the same packets; its
preferences, display filter buttons and colouring rules load without a
complaint."""
import os
import re
import shutil
import sys
import tempfile

import iotfp_tshark
from test_events_generated import write_signatures

PROFILE = "IoT Fingerprint"
SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "profiles", PROFILE)
# Custom columns of the profile and the field each one shows.
IOTFP_COLUMNS = {"Device": "iotfp.device", "Platform": "iotfp.platform", "Burst": "iotfp.burst",
                 "Event": "iotfp.event", "Actions": "iotfp.actions"}
failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


def column_titles():
    """Titles of gui.column.format in the profile's preferences, in order."""
    with open(os.path.join(SOURCE, "preferences")) as f:
        text = f.read()
    block = re.search(r"^gui\.column\.format:\n((?:\s+.*\n)+)", text, re.M).group(1)
    values = re.findall(r'"([^"]*)"', block)
    return values[0::2], values[1::2]


def summary_positions(titles, formats):
    """Where each column lands in -T tabs output: tshark puts an arrow between
    adjacent source and destination columns."""
    positions, offset = {}, 0
    for i, title in enumerate(titles):
        positions[title] = i + offset
        if formats[i] == "%s" and i + 1 < len(formats) and formats[i + 1] == "%d":
            offset += 1
    return positions, len(titles) + offset


def main():
    tshark = iotfp_tshark.Tshark()
    config = os.path.join(tshark.home, ".config", "wireshark")
    shutil.copytree(SOURCE, os.path.join(config, "profiles", PROFILE))
    for root, dirs, files in os.walk(os.path.dirname(config)):  # readable by the unprivileged tshark
        os.chmod(root, 0o755)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)
    titles, formats = column_titles()
    positions, width = summary_positions(titles, formats)
    expect(set(IOTFP_COLUMNS) <= set(titles), "the profile lacks iotfp columns: %s" % titles)

    with tempfile.TemporaryDirectory() as work:
        _, learn_truth, _ = iotfp_tshark.generate("demo", work, seed=1)
        capture, _, _ = iotfp_tshark.generate("demo", work, seed=2)
        folder = tshark.private_dir("signatures")
        options = ["-o", "iotfp.signature_path:" + folder]
        for device, (model, by_name) in write_signatures(learn_truth, folder).items():
            if not by_name:
                options += ["-o", 'uat:iotfp_device_models:"%s","%s"' % (device, model)]
        readable = tshark.readable_copy(capture)
        rows = tshark.fields(capture, ["frame.number"] + list(IOTFP_COLUMNS.values()), options)
        with_profile = tshark.run(["-r", readable, "-2", "-C", PROFILE, "-T", "tabs"] + options)
        without = tshark.run(["-r", readable, "-2", "-T", "tabs"] + options)
        colour = tshark.run(["-r", readable, "-2", "-C", PROFILE, "--color"] + options)

    expect(not with_profile.stderr.strip(), "tshark -C complained: %s" % with_profile.stderr)
    # --color compiles every colouring rule and warns about any that fails
    # (it colours only a terminal, so the output itself cannot tell).
    expect(not colour.stderr.strip(), "tshark -C --color complained: %s" % colour.stderr)
    lines = with_profile.stdout.splitlines()
    expect(len(lines) == len(rows), "%d summary lines for %d packets" % (len(lines), len(rows)))
    seen = {column: 0 for column in IOTFP_COLUMNS}
    for line, row in zip(lines, rows):
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) != width:
            expect(False, "frame %s: %d columns, the profile has %d: %r" % (row["frame.number"], len(cells), width,
                                                                           line))
            continue
        for column, field in IOTFP_COLUMNS.items():
            expect(cells[positions[column]] == row[field], "frame %s: column %s shows %r, %s is %r"
                   % (row["frame.number"], column, cells[positions[column]], field, row[field]))
            seen[column] += bool(row[field])
    for column in ("Device", "Burst", "Event"):
        expect(seen[column] > 0, "no packet has a value in column %s: nothing was compared" % column)
    default_width = len(without.stdout.splitlines()[0].split("\t"))
    expect(default_width != width, "tshark without -C prints as many columns (%d) as with the profile" % width)

    for failure in failures[:30]:
        print("FAIL:", failure)
    print("%d packets compared; %d failures" % (len(rows), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
