"""Classic pcap reading and writing, and the IPv4 fields the settings rewrite.

Captures of any format Wireshark reads are first converted to microsecond
pcap by editcap, so this module only knows one simple format."""
import ipaddress
import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tshark"))
from iotfp_tshark import run_tool  # noqa: E402  editcap without a sanitize build's runtimes

LINKTYPE_ETHERNET = 1
ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_VLAN = 0x8100
PROTO_TCP = 6
PROTO_UDP = 17
_GLOBAL_HEADER = struct.Struct("<IHHiIII")
_RECORD_HEADER = struct.Struct("<IIII")
_PCAP_MAGIC_USEC = 0xA1B2C3D4


class Packet:
    """One Ethernet frame: time in microseconds, captured bytes, original length.
    ip: offset of the IPv4 header in data, or None for anything else."""

    def __init__(self, time_us, data, orig_len):
        self.time_us = time_us
        self.data = bytearray(data)
        self.orig_len = orig_len
        self.ip = _ipv4_offset(self.data)

    def ip_field(self, start, size):
        return bytes(self.data[self.ip + start:self.ip + start + size])

    @property
    def src(self):
        return str(ipaddress.IPv4Address(self.ip_field(12, 4)))

    @property
    def dst(self):
        return str(ipaddress.IPv4Address(self.ip_field(16, 4)))

    @property
    def protocol(self):
        return self.data[self.ip + 9]

    @property
    def ip_length(self):
        return struct.unpack(">H", self.ip_field(2, 2))[0]

    def transport_offset(self):
        """Offset of the TCP/UDP header when its ports were captured, else None."""
        offset = self.ip + (self.data[self.ip] & 0x0F) * 4
        if self.protocol in (PROTO_TCP, PROTO_UDP) and len(self.data) >= offset + 4:
            return offset
        return None

    def ports(self):
        offset = self.transport_offset()
        if offset is None:
            return None
        return struct.unpack(">HH", bytes(self.data[offset:offset + 4]))

    def rewrite(self, src=None, dst=None, sport=None, dport=None):
        """Changes addresses and ports in place, fixing the IPv4 header checksum;
        a UDP checksum is cleared (valid: "none"), TCP's is left (Wireshark does
        not check it by default)."""
        if src is not None:
            self.data[self.ip + 12:self.ip + 16] = ipaddress.IPv4Address(src).packed
        if dst is not None:
            self.data[self.ip + 16:self.ip + 20] = ipaddress.IPv4Address(dst).packed
        offset = self.transport_offset()
        if offset is not None:
            if sport is not None:
                self.data[offset:offset + 2] = struct.pack(">H", sport)
            if dport is not None:
                self.data[offset + 2:offset + 4] = struct.pack(">H", dport)
            if self.protocol == PROTO_UDP and len(self.data) >= offset + 8:
                self.data[offset + 6:offset + 8] = b"\0\0"
        header_len = (self.data[self.ip] & 0x0F) * 4
        self.data[self.ip + 10:self.ip + 12] = b"\0\0"
        self.data[self.ip + 10:self.ip + 12] = struct.pack(">H", ipv4_checksum(self.data[self.ip:self.ip + header_len]))

    def set_macs(self, src_mac, dst_mac):
        self.data[0:6] = src_mac
        self.data[6:12] = dst_mac


def _ipv4_offset(data):
    offset, ethertype = 14, struct.unpack(">H", bytes(data[12:14]))[0] if len(data) >= 14 else 0
    if ethertype == ETHERTYPE_VLAN and len(data) >= 18:
        offset, ethertype = 18, struct.unpack(">H", bytes(data[16:18]))[0]
    if ethertype != ETHERTYPE_IPV4 or len(data) < offset + 20 or data[offset] >> 4 != 4:
        return None
    return offset


def ipv4_checksum(header):
    total = sum(struct.unpack(">%dH" % (len(header) // 2), bytes(header)))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def read(path):
    """Every frame of a capture Wireshark can read, as Packets in file order."""
    with tempfile.TemporaryDirectory(prefix="iotfp-devtype-") as tmp:
        converted = os.path.join(tmp, "capture.pcap")
        run_tool(["editcap", "-F", "pcap", path, converted])
        with open(converted, "rb") as f:
            raw = f.read()
    magic, _, _, _, _, _, linktype = _GLOBAL_HEADER.unpack_from(raw, 0)
    if magic != _PCAP_MAGIC_USEC or linktype != LINKTYPE_ETHERNET:
        raise ValueError("%s: expected an Ethernet capture (magic %#x, link type %d)" % (path, magic, linktype))
    packets, offset = [], _GLOBAL_HEADER.size
    while offset + _RECORD_HEADER.size <= len(raw):
        seconds, micros, caplen, orig_len = _RECORD_HEADER.unpack_from(raw, offset)
        offset += _RECORD_HEADER.size
        packets.append(Packet(seconds * 1000000 + micros, raw[offset:offset + caplen], orig_len))
        offset += caplen
    return packets


def write(path, packets):
    with open(path, "wb") as f:
        f.write(_GLOBAL_HEADER.pack(_PCAP_MAGIC_USEC, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET))
        for p in packets:
            f.write(_RECORD_HEADER.pack(p.time_us // 1000000, p.time_us % 1000000, len(p.data), p.orig_len))
            f.write(p.data)
