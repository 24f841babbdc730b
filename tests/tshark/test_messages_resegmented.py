"""iotfp.burst.messages holds what the application sent, not how TCP cut
it. On a generated home, every burst's messages are its TLS
application-data records as Wireshark's TLS dissector reads them (a
reference computed here from tls.record fields), and they are the same
after the capture is re-segmented at a smaller MSS (every TCP payload cut
into pieces of at most 536 bytes, as a router clamping the MSS would),
while the segment shapes change. A UDP burst (miIO) has no messages."""
import os
import struct
import sys
import tempfile

import iotfp_tshark

SMALL_MSS = 536
failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


def resegment(source, dest, mss):
    """Copies a classic Ethernet pcap, cutting each TCP payload into pieces of at most mss bytes."""
    with open(source, "rb") as f:
        data = f.read()
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    out = [data[:24]]
    offset, cut = 24, 0
    while offset + 16 <= len(data):
        seconds, part, captured, wire = struct.unpack(endian + "IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + captured]
        offset += 16 + captured
        pieces = split_tcp(frame, mss)
        cut += len(pieces) > 1
        for i, piece in enumerate(pieces):
            # Pieces of one segment leave a microsecond apart, in order.
            out.append(struct.pack(endian + "IIII", seconds, part + i, len(piece), len(piece)) + piece)
    with open(dest, "wb") as f:
        f.write(b"".join(out))
    return cut


def split_tcp(frame, mss):
    ethertype = struct.unpack("!H", frame[12:14])[0]
    if ethertype == 0x0800:
        ip_header = (frame[14] & 0x0F) * 4
        protocol, ip_end = frame[23], 14 + struct.unpack("!H", frame[16:18])[0]
    elif ethertype == 0x86DD:
        ip_header, protocol = 40, frame[20]
        ip_end = 14 + 40 + struct.unpack("!H", frame[18:20])[0]
    else:
        return [frame]
    tcp_start = 14 + ip_header
    if protocol != 6:
        return [frame]
    tcp_header = (frame[tcp_start + 12] >> 4) * 4
    payload = frame[tcp_start + tcp_header:ip_end]
    if len(payload) <= mss:
        return [frame]
    seq = struct.unpack("!I", frame[tcp_start + 4:tcp_start + 8])[0]
    pieces = []
    for at in range(0, len(payload), mss):
        chunk = payload[at:at + mss]
        tcp = bytearray(frame[tcp_start:tcp_start + tcp_header])
        tcp[4:8] = struct.pack("!I", (seq + at) & 0xFFFFFFFF)
        ip = bytearray(frame[14:tcp_start])
        if ethertype == 0x0800:
            ip[2:4] = struct.pack("!H", ip_header + tcp_header + len(chunk))
        else:
            ip[4:6] = struct.pack("!H", tcp_header + len(chunk))
        pieces.append(frame[:14] + bytes(ip) + bytes(tcp) + chunk)
    return pieces


FIELDS = ["frame.number", "iotfp.device", "iotfp.conv", "iotfp.burst", "iotfp.burst.shape",
          "iotfp.burst.messages", "ip.src", "ipv6.src", "udp.srcport", "tls.record.content_type",
          "tls.record.opaque_type", "tls.record.length"]


def bursts(rows):
    """{burst: (conv, shape, messages, udp)} in burst order."""
    out = {}
    for r in rows:
        if r["iotfp.burst"]:
            out.setdefault(int(r["iotfp.burst"]), (r["iotfp.conv"], r["iotfp.burst.shape"],
                                                    r["iotfp.burst.messages"], bool(r["udp.srcport"])))
    return out


def reference_messages(rows):
    """{burst: the signed lengths of the application-data records ending in its packets}."""
    out = {}
    for r in rows:
        if not r["iotfp.burst"]:
            continue
        burst = out.setdefault(int(r["iotfp.burst"]), [])
        types = (r["tls.record.content_type"] or r["tls.record.opaque_type"]).split(",")
        lengths = r["tls.record.length"].split(",") if r["tls.record.length"] else []
        sign = "+" if (r["ip.src"] or r["ipv6.src"]) == r["iotfp.device"] else "-"
        if len(types) == len(lengths):
            burst += [sign + length for kind, length in zip(types, lengths) if kind == "23"]
    return {b: " ".join(m) for b, m in out.items()}


def by_conversation(found):
    convs = {}
    for _, (conv, shape, messages, _) in sorted(found.items()):
        convs.setdefault(conv, []).append((shape, messages))
    return convs


def main():
    tshark = iotfp_tshark.Tshark()
    with tempfile.TemporaryDirectory() as work:
        capture, _, _ = iotfp_tshark.generate("demo", work)
        original = tshark.fields(capture, FIELDS, extra=["-E", "occurrence=a"])
        found = bursts(original)
        reference = reference_messages(original)
        with_messages = [b for b, (_, _, messages, _) in found.items() if messages]
        expect(len(with_messages) >= 10, "only %d bursts carry messages" % len(with_messages))
        for burst, (_, _, messages, udp) in found.items():
            expect(messages == reference[burst], "burst %d: messages %r, TLS records %r"
                   % (burst, messages, reference[burst]))
            expect(not (udp and messages), "UDP burst %d has messages %r" % (burst, messages))

        small = os.path.join(work, "mss-%d.pcap" % SMALL_MSS)
        cut = resegment(capture, small, SMALL_MSS)
        expect(cut > 0, "no segment longer than %d bytes to cut" % SMALL_MSS)
        again = bursts(tshark.fields(small, FIELDS))
        before, after = by_conversation(found), by_conversation(again)
        expect(before.keys() == after.keys(), "conversations differ after re-segmenting")
        changed_shapes = 0
        for conv in before:
            expect([m for _, m in before[conv]] == [m for _, m in after.get(conv, [])],
                   "conversation %s: messages %s before, %s at MSS %d"
                   % (conv, [m for _, m in before[conv]], [m for _, m in after.get(conv, [])], SMALL_MSS))
            changed_shapes += [s for s, _ in before[conv]] != [s for s, _ in after.get(conv, [])]
        expect(changed_shapes > 0, "re-segmenting changed no segment shape: the test shows nothing")
        print("%d bursts with messages; %d segments cut at MSS %d; %d conversations changed segment shapes, "
              "none changed messages" % (len(with_messages), cut, SMALL_MSS, changed_shapes))

    for failure in failures[:20]:
        print("FAIL:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
