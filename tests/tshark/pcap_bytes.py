"""Captures written byte by byte (Ethernet, IPv4 or IPv6, UDP or TCP), for
tests and benchmarks that need packets iotfp-gen does not make on purpose:
lying lengths, or a given number of conversations. Checksums are left 0,
which Wireshark does not check by default."""
import struct

ETHER_IPV4 = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
ETHER_IPV6 = ETHER_IPV4[:12] + b"\x86\xdd"


def ipv4(src, dst, protocol, body, total_length=None):
    """src, dst: 4 bytes each; total_length: what the header claims (default: the truth)."""
    length = 20 + len(body) if total_length is None else total_length
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, length, 1, 0, 64, protocol, 0, src, dst) + body


def ipv6(src, dst, next_header, body, payload_length=None):
    length = len(body) if payload_length is None else payload_length
    return struct.pack("!IHBB16s16s", 6 << 28, length, next_header, 64, src, dst) + body


def udp(ports, payload_len, length_field=None):
    length = 8 + payload_len if length_field is None else length_field
    return struct.pack("!HHHH", ports[0], ports[1], length, 0) + b"u" * payload_len


def tcp(ports, payload_len, seq, header_words=5, tcp_bytes=None):
    """header_words: the data offset field; tcp_bytes: cut the segment there."""
    header = struct.pack("!HHIIBBHHH", ports[0], ports[1], seq, 1, header_words << 4, 0x18, 65535, 0, 0)
    header += b"\x01" * (max(header_words, 5) * 4 - 20)  # NOP options
    data = header + b"t" * payload_len
    return data if tcp_bytes is None else data[:tcp_bytes]


def write_pcap(path, frames):
    """frames: (time in microseconds, frame bytes, length on the wire or None for the frame's own)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for time_us, frame, wire_len in frames:
            f.write(struct.pack("<IIII", 1700000000 + time_us // 1000000, time_us % 1000000, len(frame),
                                wire_len or len(frame)))
            f.write(frame)
