"""Bursts on a capture the project generates, checked against the generator's
ground truth: which bursts exist, their device and cloud, packets, bytes and
shape; that a single pass shows each burst growing and a second pass shows it
whole; and the role of every packet that is not a burst member."""
import os
import sys
import tempfile

import iotfp_tshark

SCOPE_CLOUD, SCOPE_LOCAL, SCOPE_BROADCAST = "1", "2", "3"
ROLE_MEMBER, ROLE_NO_PAYLOAD, ROLE_RETRANSMISSION, ROLE_GROUP = "1", "2", "3", "4"
FIELDS = ["frame.number", "ip.src", "ip.dst", "ipv6.src", "tcp.len", "tcp.analysis.retransmission", "iotfp.device",
          "iotfp.cloud", "iotfp.peer", "iotfp.scope", "iotfp.conv", "iotfp.role", "iotfp.burst",
          "iotfp.burst.pkts", "iotfp.burst.bytes", "iotfp.burst.start", "iotfp.burst.shape"]

failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


def cloud_bursts(rows):
    """Burst id -> what the last packet of the burst says, plus its member count."""
    bursts = {}
    for r in rows:
        if r["iotfp.burst"] and r["iotfp.scope"] == SCOPE_CLOUD:
            b = bursts.setdefault(r["iotfp.burst"], {"members": 0})
            b.update(r)
            b["members"] += 1
    return bursts


def check_against_truth(bursts, truth):
    by_start = {b["iotfp.burst.start"]: b for b in bursts.values()}
    for t in truth:
        b = by_start.get(t["first_frame"])
        if b is None:
            expect(False, "no burst starts at frame %s (%s %s)" % (t["first_frame"], t["device"], t["event"]))
            continue
        where = "burst at frame %s" % t["first_frame"]
        expect(b["iotfp.device"] == t["device"], "%s: device %s, want %s" % (where, b["iotfp.device"], t["device"]))
        cloud = t["cloud_name"] or t["cloud"]
        expect(b["iotfp.cloud"] == cloud, "%s: cloud %s, want %s" % (where, b["iotfp.cloud"], cloud))
        expect(b["iotfp.burst.pkts"] == t["pkts"], "%s: %s pkts, want %s" % (where, b["iotfp.burst.pkts"], t["pkts"]))
        expect(b["members"] == int(t["pkts"]), "%s: %d packets carry it, want %s" % (where, b["members"], t["pkts"]))
        expect(b["iotfp.burst.bytes"] == t["bytes"], "%s: %s bytes, want %s" % (where, b["iotfp.burst.bytes"], t["bytes"]))
        expect(b["iotfp.burst.shape"] == t["shape"],
               "%s: shape %s, want %s" % (where, b["iotfp.burst.shape"], t["shape"]))
    expect(len(bursts) == len(truth), "%d cloud bursts, the truth has %d" % (len(bursts), len(truth)))


def check_single_pass(one_pass, two_pass):
    final = cloud_bursts(two_pass)
    seen = {}
    for one, two in zip(one_pass, two_pass):
        for field in ("iotfp.conv", "iotfp.burst", "iotfp.burst.start", "iotfp.role", "iotfp.device"):
            expect(one[field] == two[field], "frame %s: %s is %s in one pass, %s in two"
                   % (one["frame.number"], field, one[field], two[field]))
        burst = one["iotfp.burst"]
        if not burst or burst not in final:
            continue
        k = seen.get(burst, 0) + 1
        seen[burst] = k
        expect(one["iotfp.burst.pkts"] == str(k), "frame %s: one pass shows %s pkts, want %d so far"
               % (one["frame.number"], one["iotfp.burst.pkts"], k))
        so_far = " ".join(final[burst]["iotfp.burst.shape"].split(" ")[:k])
        expect(one["iotfp.burst.shape"] == so_far, "frame %s: one pass shape %s, want %s"
               % (one["frame.number"], one["iotfp.burst.shape"], so_far))
    expect(len(one_pass) == len(two_pass), "one pass printed %d packets, two passes %d"
           % (len(one_pass), len(two_pass)))


def check_roles(rows):
    retransmitted = {r["frame.number"] for r in rows if r["tcp.analysis.retransmission"]}
    marked = {r["frame.number"] for r in rows if r["iotfp.role"] == ROLE_RETRANSMISSION}
    expect(retransmitted, "the capture should hold a TCP retransmission")
    expect(marked == retransmitted, "retransmissions: iotfp marks %s, Wireshark's TCP analysis %s"
           % (sorted(marked), sorted(retransmitted)))
    for r in rows:
        if r["tcp.len"] == "0" and r["iotfp.scope"] != SCOPE_BROADCAST:
            expect(r["iotfp.role"] == ROLE_NO_PAYLOAD and not r["iotfp.burst"],
                   "frame %s: empty TCP segment has role %s, burst %s"
                   % (r["frame.number"], r["iotfp.role"], r["iotfp.burst"]))
    # In a local conversation the device is the responder: the destination
    # of the conversation's first packet (the plug a phone controls, the
    # router a device asks for DNS).
    local = [r for r in rows if r["iotfp.scope"] == SCOPE_LOCAL]
    expect(local, "the capture should hold local traffic")
    first_of = {}
    for r in local:
        first = first_of.setdefault(r["iotfp.conv"], r)
        responder = first["ip.dst"]
        expect(r["iotfp.device"] == responder and not r["iotfp.cloud"] and r["iotfp.peer"] == first["ip.src"],
               "frame %s: local conversation shows device %s peer %s cloud %s, want device %s"
               % (r["frame.number"], r["iotfp.device"], r["iotfp.peer"], r["iotfp.cloud"], responder))
    phone_plug = [r for r in local if {r["ip.src"], r["ip.dst"]} == {"192.168.1.50", "192.168.1.23"}]
    expect(phone_plug and all(r["iotfp.device"] == "192.168.1.23" for r in phone_plug),
           "the phone's local traffic should make the plug its device")
    broadcast = [r for r in rows if r["iotfp.scope"] == SCOPE_BROADCAST]
    expect(broadcast, "the capture should hold broadcasts")
    for r in broadcast:
        expect(r["iotfp.role"] == ROLE_GROUP and not r["iotfp.burst"] and r["iotfp.device"] == r["ip.src"],
               "frame %s: broadcast has role %s burst %s device %s"
               % (r["frame.number"], r["iotfp.role"], r["iotfp.burst"], r["iotfp.device"]))


def main():
    tshark = iotfp_tshark.Tshark()
    with tempfile.TemporaryDirectory() as work:
        capture, truth, _ = iotfp_tshark.generate("demo", work)
        two_pass = tshark.fields(capture, FIELDS)
        one_pass = tshark.fields(capture, FIELDS, two_pass=False)
    if not truth:
        sys.exit("FAIL: the generator wrote no bursts")
    check_against_truth(cloud_bursts(two_pass), truth)
    check_single_pass(one_pass, two_pass)
    check_roles(two_pass)
    for failure in failures:
        print("FAIL:", failure)
    print("%d truth bursts, %d packets checked, %d failures" % (len(truth), len(two_pass), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
