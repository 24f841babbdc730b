"""The CS2 P2P dissector on datagrams written here: a camera's DRW and
keep-alives on random ports are CS2 messages, and their conversation gets
the platform cs2-p2p from the bundled rules; a datagram that only starts
like one (its length one byte off, or a QUIC long header) is left alone.
The real thing is in test_platforms_realdata.py (shfw's Xiaomi camera)."""
import os
import struct
import tempfile

import iotfp_tshark
from pcap_bytes import ETHER_IPV4, ipv4, write_pcap

CAMERA, PHONE = bytes([192, 168, 1, 50]), bytes([203, 0, 113, 9])
FIELDS = ["frame.number", "cs2.type", "cs2.drw.channel", "cs2.drw.index", "iotfp.platform"]


def datagram(src, dst, ports, payload):
    return ETHER_IPV4 + ipv4(src, dst, 17, struct.pack("!HHHH", ports[0], ports[1], 8 + len(payload), 0) + payload)


def cs2(kind, body):
    return bytes([0xF1, kind]) + struct.pack("!H", len(body)) + body


def main():
    checks = iotfp_tshark.Checks()
    tshark = iotfp_tshark.Tshark()
    tshark.install_bundled_data()
    with tempfile.TemporaryDirectory() as work:
        frames = [
            datagram(CAMERA, PHONE, (26251, 11193), cs2(0xD0, bytes([0xD1, 1, 0, 7]) + b"video" * 20)),
            datagram(PHONE, CAMERA, (11193, 26251), cs2(0xD1, bytes([0xD1, 1, 0, 1, 0, 7]))),
            datagram(CAMERA, PHONE, (26251, 11193), cs2(0xE0, b"")),
            # Look-alikes, between other ports of the same two hosts and of another.
            datagram(CAMERA, PHONE, (40000, 41000), cs2(0xD0, b"x" * 10)[:-1]),
            datagram(bytes([192, 168, 1, 51]), PHONE, (40001, 443), bytes([0xF1, 0, 0, 0, 1, 8]) + b"q" * 30),
        ]
        capture = os.path.join(work, "cs2.pcap")
        write_pcap(capture, [(i * 1000, frame, None) for i, frame in enumerate(frames)])
        rows = tshark.fields(capture, FIELDS)
    got = [(r["cs2.type"], r["cs2.drw.channel"], r["cs2.drw.index"]) for r in rows]
    checks.expect(got == [("0xd0", "1", "7"), ("0xd1", "1", "1"), ("0xe0", "", ""), ("", "", ""), ("", "", "")],
                  "cs2 fields per frame: %s" % got)
    platforms = [r["iotfp.platform"] for r in rows]
    # Frames 1 to 4 are one conversation (the camera and the phone's address).
    checks.expect(platforms == ["cs2-p2p"] * 4 + [""], "platforms per frame: %s" % platforms)
    checks.finish()


if __name__ == "__main__":
    main()
