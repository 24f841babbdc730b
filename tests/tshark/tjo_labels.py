#!/usr/bin/env python3
"""Turns the tjo app-event labels (../shared/data/tjo/labels/*.csv) into the
labels files iotfp-learn and iotfp-eval read: time,device_ip,event.

    python3 tests/tshark/tjo_labels.py [--data ../shared/data/tjo] OUT_DIR

writes OUT_DIR/schlage-lock-01.labels.csv and OUT_DIR/blink-cam-01.labels.csv.

The source rows, such as "March 08, 2021 at 05:17:26PM","schlage-lock-01","event_lock",
are US Eastern local time: EST (UTC-5) until 2021-03-14 02:00, EDT (UTC-4)
after. Times are converted faithfully and the offset to the traffic is left to
the tools: with this conversion, schlage-lock-01's cloud burst starts 2 s
before to 5 s after its label (median 1 s after, the same either side of the
DST switch), so pair with --offset 1 --window 3. Rows from IFTTT
(blink-cam-01) carry minutes only ("01:18PM"): the event lies somewhere in
that minute, so pair with --offset 30 --window 33. Each device's address is
checked in its capture (the home address that sends the most packets); rows
outside the capture's time span are left out, and both kinds are reported."""
import argparse
import collections
import csv
import datetime
import glob
import ipaddress
import os
import struct
import sys
import zoneinfo

EASTERN = zoneinfo.ZoneInfo("America/New_York")
# Device name in the labels -> its address in the capture.
DEVICES = {"schlage-lock-01": "192.168.1.122", "blink-cam-01": "192.168.1.129"}
TIME_FORMATS = [("%B %d, %Y at %I:%M:%S%p", "seconds"), ("%B %d, %Y at %I:%M%p", "minutes")]
EVENT_PREFIX = "event_"
ETHERTYPE_IPV4 = 0x0800
LINKTYPE_ETHERNET = 1


def read_pcap(path):
    """(first time, last time, Counter of IPv4 source addresses) of a classic Ethernet pcap."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        sys.exit("%s: not a pcap file" % path)
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        sys.exit("%s: not a classic pcap file (pcapng is not read here)" % path)
    fraction = 1e-9 if magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") else 1e-6
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != LINKTYPE_ETHERNET:
        sys.exit("%s: link type %d, only Ethernet is read here" % (path, linktype))
    sources = collections.Counter()
    first = last = None
    offset = 24
    while offset + 16 <= len(data):
        seconds, part, captured, _ = struct.unpack(endian + "IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + captured]
        offset += 16 + captured
        time = seconds + part * fraction
        first = time if first is None else min(first, time)
        last = time if last is None else max(last, time)
        if len(frame) >= 34 and struct.unpack("!H", frame[12:14])[0] == ETHERTYPE_IPV4:
            sources[str(ipaddress.IPv4Address(frame[26:30]))] += 1
    if first is None:
        sys.exit("%s: no packets" % path)
    return first, last, sources


def check_address(capture, name, address, sources):
    home = [(count, source) for source, count in sources.items() if ipaddress.ip_address(source).is_private]
    busiest = max(home)[1] if home else None
    if busiest != address:
        sys.exit("%s: the busiest home address is %s, not %s as assumed for %s" % (capture, busiest, address, name))


def parse_time(text, where):
    for time_format, precision in TIME_FORMATS:
        try:
            local = datetime.datetime.strptime(text, time_format)
        except ValueError:
            continue
        aware = local.replace(tzinfo=EASTERN)
        # A wall-clock time the DST switch skipped (02:00-02:59 on 2021-03-14) does not round-trip.
        if aware.astimezone(datetime.timezone.utc).astimezone(EASTERN).replace(tzinfo=None) != local:
            sys.exit("%s: %s does not exist in US Eastern time (DST switch)" % (where, text))
        return aware.timestamp(), precision
    sys.exit("%s: time '%s' is not like 'March 08, 2021 at 05:17:26PM'" % (where, text))


def read_labels(folder):
    """Per device name: [(epoch seconds, event, precision, 'file:line')]."""
    rows = collections.defaultdict(list)
    files = sorted(glob.glob(os.path.join(folder, "labels", "*.csv")))
    if not files:
        sys.exit("%s: no labels/*.csv" % folder)
    for path in files:
        with open(path, newline="") as f:
            for line_no, row in enumerate(csv.reader(f), 1):
                where = "%s:%d" % (path, line_no)
                if not row:
                    continue
                if len(row) != 3:
                    sys.exit("%s: %d fields, expected \"time\",\"device\",\"event\"" % (where, len(row)))
                text, device, event = row
                if device not in DEVICES:
                    continue
                time, precision = parse_time(text, where)
                if event.startswith(EVENT_PREFIX):
                    event = event[len(EVENT_PREFIX):]
                rows[device].append((time, event, precision, where))
    return rows


def utc_text(time):
    return datetime.datetime.fromtimestamp(time, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                         "../../../shared/data/tjo")),
                        help="the tjo folder (default: ../shared/data/tjo beside the repository)")
    parser.add_argument("out_dir", help="folder to write DEVICE.labels.csv into")
    args = parser.parse_args()
    labels = read_labels(args.data)
    os.makedirs(args.out_dir, exist_ok=True)
    for name, address in DEVICES.items():
        capture = os.path.join(args.data, name + ".pcap")
        first, last, sources = read_pcap(capture)
        check_address(capture, name, address, sources)
        # A minute-precision label's event may lie anywhere in its minute.
        span = {"seconds": 0, "minutes": 60}
        inside = [row for row in labels[name] if first <= row[0] + span[row[2]] and row[0] <= last]
        outside = [row for row in labels[name] if row not in inside]
        partly = [row for row in inside if not first <= row[0] <= last]
        out = os.path.join(args.out_dir, name + ".labels.csv")
        with open(out, "w", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["time", "device_ip", "event"])
            for time, event, _, _ in sorted(inside):
                writer.writerow(["%.3f" % time, address, event])
        precisions = sorted({row[2] for row in labels[name]})
        counts = collections.Counter(row[1] for row in inside)
        print("%s (%s, address checked in %s): %d labels written to %s (%s); times to the %s"
              % (name, address, os.path.basename(capture), len(inside), out,
                 ", ".join("%s %d" % item for item in sorted(counts.items())), " and ".join(precisions)))
        capture_span = "%s to %s UTC" % (utc_text(first), utc_text(last))
        print("  capture: %s; %d label rows outside it%s" % (capture_span, len(outside), ":" if outside else ""))
        for time, event, _, where in sorted(outside):
            print("  left out, outside the capture: %s %s at %s UTC" % (where, event, utc_text(time)))
        for time, event, _, where in sorted(partly):
            print("  kept, its minute straddles the capture's start or end: %s %s at %s UTC"
                  % (where, event, utc_text(time)))


if __name__ == "__main__":
    main()
