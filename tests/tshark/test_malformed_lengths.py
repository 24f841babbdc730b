"""Packets whose lengths cannot be trusted: a UDP or IPv4 length beyond the
bytes on the wire, a UDP length below its own header, a TCP header cut short
or with a bogus header length, an IPv6 payload length beyond the wire. Each
gets the role "malformed" and the expert item iotfp.malformed, stays in its
conversation and out of every burst, and tshark neither crashes nor reports a
dissector bug. A packet cut by the snapshot length is not malformed: its
headers are whole and agree with the length on the wire, so it counts with
its real payload. A capture file cut short is tshark's to report; the
packets before the cut are analysed as in the whole file. The capture is
written here, byte by byte."""
import os
import sys
import tempfile

import iotfp_tshark
from pcap_bytes import ETHER_IPV4, ETHER_IPV6, ipv4, ipv6, tcp, udp, write_pcap

DEVICE, CLOUD = bytes([192, 168, 1, 50]), bytes([52, 1, 2, 3])
DEVICE6 = bytes.fromhex("fd000000000000000000000000000050")
CLOUD6 = bytes.fromhex("20010db8000000000000000000000003")
UDP_PORTS, TCP_PORTS = (40000, 8883), (40001, 443)
# iotfp.role as -T fields prints it (the number; the README names them).
ROLE_MEMBER, ROLE_MALFORMED = "1", "5"


def v4_udp(payload_len, length_field=None, total_length=None):
    return ETHER_IPV4 + ipv4(DEVICE, CLOUD, 17, udp(UDP_PORTS, payload_len, length_field), total_length)


def v4_tcp(payload_len, seq, header_words=5, tcp_bytes=None):
    return ETHER_IPV4 + ipv4(DEVICE, CLOUD, 6, tcp(TCP_PORTS, payload_len, seq, header_words, tcp_bytes))


# (description, frame bytes, on-wire length or None, expected role)
PACKETS = [
    ("UDP, 100 bytes", v4_udp(100), None, ROLE_MEMBER),
    ("UDP length 1000 over 100 bytes", v4_udp(100, 1000), None, ROLE_MALFORMED),
    ("UDP length 4, below its header", v4_udp(100, 4), None, ROLE_MALFORMED),
    ("TCP, 50 bytes", v4_tcp(50, 1000), None, ROLE_MEMBER),
    ("TCP header of 60 bytes cut at 30", v4_tcp(0, 2000, 15, 30), None, ROLE_MALFORMED),
    ("TCP header length 8", v4_tcp(40, 3000, 2), None, ROLE_MALFORMED),
    ("IPv4 total length 1500 over 100 bytes", v4_udp(72, None, 1500), None, ROLE_MALFORMED),
    ("IPv6 payload length 900 over 60 bytes",
     ETHER_IPV6 + ipv6(DEVICE6, CLOUD6, 17, udp(UDP_PORTS, 52, 60), 900), None, ROLE_MALFORMED),
    ("TCP, 1000 bytes cut by the snapshot length", v4_tcp(1000, 5000)[:54], 1054, ROLE_MEMBER),
]
WANT_SHAPE = "+100 +50 +1000"


def main():
    tshark = iotfp_tshark.Tshark()
    failures = []
    with tempfile.TemporaryDirectory() as work:
        capture = os.path.join(work, "malformed.pcap")
        write_pcap(capture, [(100000 * i, frame, wire_len) for i, (_, frame, wire_len, _) in enumerate(PACKETS)])
        fields = ["frame.number", "iotfp.role", "iotfp.burst", "iotfp.burst.shape"]
        for two_pass in (True, False):
            mode = "-2" if two_pass else "single pass"
            rows = tshark.fields(capture, fields, ["-o", "ip.check_checksum:FALSE"], two_pass=two_pass)
            if len(rows) != len(PACKETS):
                failures.append("%s: %d rows for %d packets" % (mode, len(rows), len(PACKETS)))
                continue
            for (what, _, _, role), row in zip(PACKETS, rows):
                if row["iotfp.role"] != role:
                    failures.append("%s: %s: role %r, want %r" % (mode, what, row["iotfp.role"], role))
                if (row["iotfp.burst"] != "") != (role == ROLE_MEMBER):
                    failures.append("%s: %s: burst %r" % (mode, what, row["iotfp.burst"]))
            if two_pass:
                shapes = {row["iotfp.burst.shape"] for row in rows if row["iotfp.burst"]}
                if shapes != {WANT_SHAPE}:
                    failures.append("-2: burst shapes %s, want only %r" % (sorted(shapes), WANT_SHAPE))
        proc = tshark.run(["-r", tshark.readable_copy(capture), "-2", "-Y", "iotfp.malformed", "-T", "fields",
                           "-e", "frame.number"],
                          extra_env={"WIRESHARK_ABORT_ON_DISSECTOR_BUG": "1",
                                     "WIRESHARK_DEBUG_WMEM_OVERRIDE": "strict"})
        flagged = [int(n) for n in proc.stdout.split()]
        want = [i + 1 for i, packet in enumerate(PACKETS) if packet[3] == ROLE_MALFORMED]
        if flagged != want:
            failures.append("expert iotfp.malformed on frames %s, want %s" % (flagged, want))
        if "dissector bug" in proc.stderr.lower():
            failures.append("dissector bug: %s" % proc.stderr)
        # The expert item needs no tree (tshark -z expert, the GUI's Expert Information).
        for two_pass in (True, False):
            summaries = tshark.expert_summaries(capture, ["-o", "ip.check_checksum:FALSE"], two_pass=two_pass)
            listed = sum(n for summary, n in summaries.items() if summary.startswith("A length in the IP"))
            if listed != len(want):
                failures.append("%s: tshark -z expert lists %d malformed packets, want %d"
                                % ("-2" if two_pass else "single pass", listed, len(want)))

        # A capture file cut inside its last record: tshark says so and the
        # packets before it are analysed as in the whole file.
        with open(capture, "rb") as f:
            data = f.read()
        cut = os.path.join(work, "cut.pcap")
        with open(cut, "wb") as f:
            f.write(data[:-30])
        proc = tshark.run(["-r", tshark.readable_copy(cut), "-2", "-T", "fields", "-e", "iotfp.role"], check=False)
        if proc.returncode >= 128 or proc.returncode < 0:
            failures.append("cut capture: tshark died (%d): %s" % (proc.returncode, proc.stderr))
        if "cut short" not in proc.stderr:
            failures.append("cut capture: no 'cut short' message, stderr %r" % proc.stderr)
        roles = proc.stdout.split()
        if roles != [packet[3] for packet in PACKETS[:-1]]:
            failures.append("cut capture: roles %s, want those of the whole file but the last" % roles)
    for failure in failures:
        print("FAIL:", failure)
    print("%d packets, %d failures" % (len(PACKETS), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
