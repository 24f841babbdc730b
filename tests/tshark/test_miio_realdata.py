"""The miIO dissector on the real Xiaomi camera captures (../shared/data/shfw,
snapshot length 150): every UDP 54321/8053 payload that starts with the
magic 21 31 is dissected as miIO with a length field equal to the UDP
payload's, nothing is malformed or an error, and exactly the data packets
the snapshot length cut short say "truncated". No token is known for the
camera, so only headers are checked."""
import os
import sys

import iotfp_tshark

CAPTURES = ["xiaomi-cam.lan.pcap", "xiaomi-cam.wlan2.4.pcap"]
TYPES = {"1": "hello", "2": "hello reply", "3": "keepalive/ack", "4": "data"}
FIELDS = ["frame.number", "frame.len", "frame.cap_len", "udp.length", "udp.payload", "miio.length", "miio.type",
          "miio.device_id"]


def check(tshark, capture, failures):
    name = os.path.basename(capture)
    rows = tshark.fields(capture, FIELDS, extra=["-Y", "udp.port == 54321 || udp.port == 8053"])
    counts = {}
    cut_data = set()
    for row in rows:
        if not row["udp.payload"].replace(":", "").startswith("2131"):
            continue
        where = "%s frame %s" % (name, row["frame.number"])
        kind = TYPES.get(row["miio.type"])
        if kind is None:
            failures.append("%s: starts with 21 31 but was not dissected as miIO" % where)
            continue
        counts[kind] = counts.get(kind, 0) + 1
        if row["miio.length"] != str(int(row["udp.length"]) - 8):
            failures.append("%s: miio.length %s, UDP payload %d" % (where, row["miio.length"],
                                                                  int(row["udp.length"]) - 8))
        if kind == "data" and int(row["frame.cap_len"]) < int(row["frame.len"]):
            cut_data.add(row["frame.number"])
    said_truncated = {r["frame.number"] for r in tshark.fields(capture, ["frame.number"],
                                                                extra=["-Y", "miio.truncated"])}
    if said_truncated != cut_data:
        failures.append("%s: frames cut by the snapshot length %s, said truncated %s"
                        % (name, sorted(cut_data, key=int), sorted(said_truncated, key=int)))
    bad = tshark.fields(capture, ["frame.number"], extra=[
        "-Y", "miio && (_ws.malformed || _ws.expert.severity == error)"])
    if bad:
        failures.append("%s: malformed or error miIO frames %s" % (name, [r["frame.number"] for r in bad[:10]]))
    if not counts:
        failures.append("%s: no miIO packet" % name)
    print("%-24s miIO packets %s; %d data packets cut by the snapshot length, all said truncated"
          % (name, dict(sorted(counts.items())), len(cut_data)))


def main():
    captures = [iotfp_tshark.shared_data("shfw", name) for name in CAPTURES]
    tshark = iotfp_tshark.Tshark()
    failures = []
    for capture in captures:
        check(tshark, capture, failures)
    if failures:
        sys.exit("FAIL:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
