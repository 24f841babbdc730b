#!/usr/bin/env python3
"""Builds the three capture settings the device-type model is evaluated in.

  plain   each device's capture as it is (converted to pcap).
  nat     a WAN-side view of each home: every device's packets to and from the
          Internet, each capture shifted to start at the same instant, merged;
          every device address rewritten to one public address, its source
          ports remapped as a NAT does (one new port per flow), MAC addresses
          made the router's. LAN-only traffic never crosses a NAT and is left out.
  tunnel  the same packets of each home sent through one WireGuard tunnel: one
          UDP flow HOME:51820 <-> SERVER:51820, each packet becoming a WireGuard
          transport message whose length is the inner IP length padded to 16
          bytes plus the fixed overhead (16-byte header, 16-byte tag, UDP and
          outer IPv4 headers).

Each built capture gets CAPTURE.truth.csv beside it (frame,address: the real
device each frame belongs to) and each setting a manifest.csv
(capture,truth,home: the home-side CIDR to give iotfp-sequences). The truth is
known because the settings are built: a window's device is the one owning
most of its frames.

usage: build_settings.py --data ../shared/data --out DIR [--devices a,b] [--settings plain,nat,tunnel]"""
import argparse
import csv
import ipaddress
import os
import struct
import sys

import pcapio

HERE = os.path.dirname(os.path.abspath(__file__))
WAN_ADDRESS = "198.51.100.7"  # TEST-NET-2: the home router's public address
VPN_SERVER = "203.0.113.50"   # TEST-NET-3
WIREGUARD_PORT = 51820
WIREGUARD_HEADER = 16  # type, receiver index, counter
WIREGUARD_TAG = 16     # Poly1305
OUTER_HEADERS = 20 + 8  # IPv4 + UDP
ROUTER_MAC = bytes.fromhex("020000000001")
UPSTREAM_MAC = bytes.fromhex("020000000002")
NAT_PORTS = (20000, 65535)
PLAIN_HOME = "192.168.0.0/16"


def read_captures(path, wanted):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    if wanted:
        unknown = set(wanted) - {r["device"] for r in rows}
        if unknown:
            sys.exit("build_settings: unknown devices %s (see %s)" % (", ".join(sorted(unknown)), path))
        rows = [r for r in rows if r["device"] in wanted]
    return rows


def is_internet(address):
    ip = ipaddress.IPv4Address(address)
    return ip.is_global and not ip.is_multicast


def write_capture(folder, name, packets, owners, home, manifest):
    """packets and owners (the device address of each packet, or None) in frame order."""
    capture = os.path.join(folder, name + ".pcap")
    truth = os.path.join(folder, name + ".truth.csv")
    pcapio.write(capture, packets)
    with open(truth, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["frame", "address"])
        out.writerows((i + 1, owner) for i, owner in enumerate(owners) if owner)
    manifest.append((os.path.abspath(capture), os.path.abspath(truth), home))


def device_packets(row, data):
    """(packets, owners) of one capture, owner = the device address when the frame is its."""
    packets = pcapio.read(os.path.join(data, row["capture"]))
    owners = [row["address"] if p.ip is not None and row["address"] in (p.src, p.dst) else None for p in packets]
    return packets, owners


def internet_packets(rows, data):
    """Per home: (time-aligned packet, device address, outbound) of every device-Internet packet, in time order."""
    homes = {}
    for row in rows:
        packets, owners = device_packets(row, data)
        if not packets:
            continue
        start = packets[0].time_us
        for p, owner in zip(packets, owners):
            if owner is None:
                continue
            outbound = p.src == owner
            if not is_internet(p.dst if outbound else p.src):
                continue
            p.time_us -= start
            homes.setdefault(row["home"], []).append((p, owner, outbound))
    for entries in homes.values():
        entries.sort(key=lambda e: e[0].time_us)
    return homes


def build_plain(rows, data, folder, manifest):
    for row in rows:
        packets, owners = device_packets(row, data)
        write_capture(folder, row["device"], packets, owners, PLAIN_HOME, manifest)


def build_nat(homes, folder, manifest):
    for home, entries in sorted(homes.items()):
        mappings, next_port = {}, NAT_PORTS[0]
        packets = []
        for p, owner, outbound in entries:
            ports = p.ports()
            if ports is not None:
                local, remote = (ports[0], ports[1]) if outbound else (ports[1], ports[0])
                peer = p.dst if outbound else p.src
                key = (owner, p.protocol, local, peer, remote)
                if key not in mappings:
                    mappings[key] = next_port
                    next_port = next_port + 1 if next_port < NAT_PORTS[1] else NAT_PORTS[0]
                public = mappings[key]
            if outbound:
                p.rewrite(src=WAN_ADDRESS, sport=public if ports else None)
                p.set_macs(UPSTREAM_MAC, ROUTER_MAC)
            else:
                p.rewrite(dst=WAN_ADDRESS, dport=public if ports else None)
                p.set_macs(ROUTER_MAC, UPSTREAM_MAC)
            packets.append(p)
        write_capture(folder, home, packets, [e[1] for e in entries], WAN_ADDRESS + "/32", manifest)


def wireguard_frame(inner, outbound, counter):
    """An Ethernet/IPv4/UDP WireGuard transport message carrying the packet inner."""
    padded = -(-inner.ip_length // 16) * 16
    udp_payload = struct.pack("<IIQ", 4, 1 if outbound else 2, counter) + bytes(padded + WIREGUARD_TAG)
    ip_length = OUTER_HEADERS + len(udp_payload)
    src, dst = (WAN_ADDRESS, VPN_SERVER) if outbound else (VPN_SERVER, WAN_ADDRESS)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, ip_length, counter & 0xFFFF, 0x4000, 64, pcapio.PROTO_UDP, 0,
                     ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed)
    udp = struct.pack(">HHHH", WIREGUARD_PORT, WIREGUARD_PORT, 8 + len(udp_payload), 0)
    macs = (UPSTREAM_MAC + ROUTER_MAC) if outbound else (ROUTER_MAC + UPSTREAM_MAC)
    frame = macs + struct.pack(">H", pcapio.ETHERTYPE_IPV4) + ip + udp + udp_payload
    packet = pcapio.Packet(inner.time_us, frame, len(frame))
    packet.rewrite()  # fills the IPv4 checksum
    return packet


def build_tunnel(homes, folder, manifest):
    for home, entries in sorted(homes.items()):
        packets = [wireguard_frame(p, outbound, i) for i, (p, _, outbound) in enumerate(entries)]
        write_capture(folder, home, packets, [e[1] for e in entries], WAN_ADDRESS + "/32", manifest)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="the shared real-data folder")
    parser.add_argument("--captures", default=os.path.join(HERE, "captures.csv"))
    parser.add_argument("--out", required=True)
    parser.add_argument("--devices", default="", help="comma-separated device names (default: all)")
    parser.add_argument("--settings", default="plain,nat,tunnel")
    args = parser.parse_args()
    rows = read_captures(args.captures, [d for d in args.devices.split(",") if d])
    settings = [s for s in args.settings.split(",") if s]
    for setting in settings:
        if setting not in ("plain", "nat", "tunnel"):
            sys.exit("build_settings: unknown setting %r (plain, nat, tunnel)" % setting)
        folder = os.path.join(args.out, setting)
        os.makedirs(folder, exist_ok=True)
        manifest = []
        if setting == "plain":
            build_plain(rows, args.data, folder, manifest)
        else:
            # Rewriting works in place: each setting reads its own copy.
            homes = internet_packets(rows, args.data)
            (build_nat if setting == "nat" else build_tunnel)(homes, folder, manifest)
        with open(os.path.join(folder, "manifest.csv"), "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["capture", "truth", "home"])
            out.writerows(manifest)
        print("build_settings: %s: %d captures in %s" % (setting, len(manifest), folder))


if __name__ == "__main__":
    main()
