#!/usr/bin/env python3
"""Labels for the uclouvain-tplink traces (../shared/data/uclouvain-tplink):
each trace holds one toggle of a TP-Link HS110, sent by the phone to the
plug on TCP port 9999 (the local Kasa protocol), after which the plug
reports to its cloud. The label is the time of the phone's first payload to
port 9999, the event `power_on/off` (the traces do not say which way the
plug switched).

    python3 tests/tshark/uclouvain_labels.py [--data ../shared/data/uclouvain-tplink] [--tshark tshark] OUT_DIR

writes OUT_DIR/TRACE.labels.csv (time,device_ip,event) for each
test/traces/TRACE.pcap, and prints each label."""
import argparse
import glob
import os
import subprocess
import sys

LOCAL_PORT = 9999
EVENT = "power_on/off"


def toggle(tshark, trace):
    """(time, plug address) of the first payload sent to the plug's local port."""
    proc = subprocess.run([tshark, "-r", trace, "-Y", "tcp.dstport == %d && tcp.len > 0" % LOCAL_PORT, "-T", "fields",
                           "-e", "frame.time_epoch", "-e", "ip.dst"], capture_output=True, text=True)
    if proc.returncode != 0 or not proc.stdout.strip():
        sys.exit("%s: no payload to TCP port %d (tshark: %s)" % (trace, LOCAL_PORT, proc.stderr.strip()))
    time, plug = proc.stdout.splitlines()[0].split("\t")[:2]
    return time, plug


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data",
                                                       "uclouvain-tplink"))
    parser.add_argument("--tshark", default="tshark")
    parser.add_argument("out_dir")
    args = parser.parse_args()
    traces = sorted(glob.glob(os.path.join(args.data, "test", "traces", "*.pcap")))
    if not traces:
        sys.exit("no traces under %s/test/traces" % args.data)
    os.makedirs(args.out_dir, exist_ok=True)
    for trace in traces:
        time, plug = toggle(args.tshark, trace)
        out = os.path.join(args.out_dir, os.path.basename(trace)[:-len(".pcap")] + ".labels.csv")
        with open(out, "w") as f:
            f.write("time,device_ip,event\n%s,%s,%s\n" % (time, plug, EVENT))
        print("%s: %s %s %s" % (out, time, plug, EVENT))


if __name__ == "__main__":
    main()
