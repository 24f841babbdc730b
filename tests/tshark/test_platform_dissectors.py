"""The Joylink and Tuya dissectors on the shared captures: every Joylink frame
of the JD devices (TCP 2002; headers rebuilt by the IoTEvent converter from the
recorded lengths) and every Tuya frame of the motion sensor (real bytes: UDP
6667 discovery broadcasts, TCP 6668 local control) is dissected, with a good
CRC, under the names of its type; nothing in those captures is malformed or an
error. Also checks that every field of both protocols is described."""
import ipaddress
import os
import sys

import iotfp_tshark

JD_CAPTURES = ["jd-plug.pcap", "jd-gateway.pcap"]
TUYA_CAPTURES = ["tuya-motion.lan.pcap", "tuya-motion.wlan2.4.pcap"]
GOOD = "1"  # PROTO_CHECKSUM_E_GOOD
# What each side of a Joylink cloud session sends.
JOYLINK_FROM_DEVICE = {"Heartbeat", "Upload"}
JOYLINK_FROM_CLOUD = {"Heartbeat", "Server control"}


def all_values(row, field):
    """Every occurrence of a field in a frame (several PDUs share a segment)."""
    return [v for v in row[field].split(",") if v] if row[field] else []


def check_fields(tshark, failures):
    proc = tshark.run(["-G", "fields"])
    undescribed = []
    seen = set()
    for line in proc.stdout.splitlines():
        cols = line.split("\t")
        # FT_NONE entries are expert items, described by their message.
        if cols[0] == "F" and cols[4] in ("joylink", "tuya") and cols[3] != "FT_NONE":
            seen.add(cols[4])
            if len(cols) < 8 or not cols[7].strip():
                undescribed.append(cols[2])
    if seen != {"joylink", "tuya"}:
        failures.append("fields registered for %s only" % sorted(seen))
    if undescribed:
        failures.append("fields without a description: %s" % undescribed)
    if proc.stderr.strip():
        failures.append("tshark -G fields printed warnings: %s" % proc.stderr.strip())


def no_errors(tshark, capture, failures):
    bad = tshark.fields(capture, ["frame.number"], extra=["-Y", "_ws.malformed || _ws.expert.severity == error"])
    if bad:
        failures.append("%s: malformed or error frames %s" % (capture, [r["frame.number"] for r in bad[:10]]))


def check_joylink(tshark, capture, failures):
    fields = ["frame.number", "ip.src", "tcp.len", "joylink.magic", "joylink.type", "joylink.crc.status",
              "_ws.col.Info"]
    rows = tshark.fields(capture, fields, extra=["-E", "occurrence=a", "-Y", "tcp.port == 2002 && tcp.len > 0"])
    frames = pdus = good = 0
    names = {}
    for row in rows:
        statuses = all_values(row, "joylink.crc.status")
        if not statuses:
            failures.append("%s frame %s: TCP 2002 payload not dissected as Joylink" % (capture, row["frame.number"]))
            continue
        frames += 1
        pdus += len(statuses)
        good += statuses.count(GOOD)
        if set(statuses) != {GOOD}:
            failures.append("%s frame %s: CRC status %s" % (capture, row["frame.number"], statuses))
        if set(all_values(row, "joylink.magic")) != {"0x123455cc"}:
            failures.append("%s frame %s: not the cloud magic" % (capture, row["frame.number"]))
        from_device = ipaddress.ip_address(row["ip.src"]).is_private
        side = "device" if from_device else "cloud"
        for name in row["_ws.col.Info"].split(", "):
            name = name.replace("Cloud ", "", 1)
            names.setdefault(side, set()).add(name)
            if name not in (JOYLINK_FROM_DEVICE if from_device else JOYLINK_FROM_CLOUD):
                failures.append("%s frame %s: unexpected type '%s' from the %s" % (capture, row["frame.number"], name,
                                                                                     side))
    print("%-26s %3d TCP 2002 payloads, %3d Joylink frames, %3d with a good CRC; types %s"
          % (os.path.basename(capture), frames, pdus, good, {side: sorted(n) for side, n in sorted(names.items())}))
    if frames == 0:
        failures.append("%s: no Joylink frame" % capture)


def check_tuya(tshark, capture, failures):
    fields = ["frame.number", "udp.dstport", "tcp.port", "tuya.cmd", "tuya.retcode", "tuya.crc.status",
              "tuya.suffix"]
    rows = tshark.fields(capture, fields, extra=[
        "-E", "occurrence=a", "-Y", "udp.dstport == 6667 || (tcp.port == 6668 && tcp.len > 0) || tuya"])
    broadcasts = tcp_frames = good = 0
    for row in rows:
        where = "%s frame %s" % (capture, row["frame.number"])
        statuses = all_values(row, "tuya.crc.status")
        if not statuses:
            failures.append("%s: not dissected as Tuya" % where)
            continue
        good += statuses.count(GOOD)
        if set(statuses) != {GOOD}:
            failures.append("%s: CRC status %s" % (where, statuses))
        if set(all_values(row, "tuya.suffix")) != {"0x0000aa55"}:
            failures.append("%s: suffix %s" % (where, row["tuya.suffix"]))
        if row["udp.dstport"] == "6667":
            broadcasts += 1
            if row["tuya.cmd"] != "0x00000013" or row["tuya.retcode"] != "0":
                failures.append("%s: broadcast with command %s, return code %s, not UDP_NEW and 0"
                                % (where, row["tuya.cmd"], row["tuya.retcode"]))
        elif row["tcp.port"]:
            tcp_frames += len(statuses)
        else:
            failures.append("%s: Tuya outside UDP 6667 and TCP 6668" % where)
    print("%-26s %3d UDP 6667 broadcasts (UDP_NEW), %d Tuya frames on TCP 6668, %3d with a good CRC"
          % (os.path.basename(capture), broadcasts, tcp_frames, good))
    if broadcasts == 0:
        failures.append("%s: no Tuya broadcast" % capture)
    # TCP 8886 carries TLS to Tuya's cloud, not Tuya frames.
    cloud = tshark.fields(capture, ["frame.number"], extra=["-Y", "tcp.port == 8886 && tuya"])
    if cloud:
        failures.append("%s: Tuya claimed on TCP 8886 (TLS) in frames %s" % (capture, [r["frame.number"] for r in cloud]))
    return tcp_frames


def main():
    failures = []
    tshark = iotfp_tshark.Tshark()
    check_fields(tshark, failures)
    jd = [iotfp_tshark.shared_data("iotevent", name) for name in JD_CAPTURES]
    tuya = [iotfp_tshark.shared_data("shfw", name) for name in TUYA_CAPTURES]
    for capture in jd:
        check_joylink(tshark, capture, failures)
    tcp_frames = sum(check_tuya(tshark, capture, failures) for capture in tuya)
    if tcp_frames == 0:
        failures.append("no Tuya frame on TCP 6668, where Wireshark's IPDC dissector would take them")
    for capture in jd + tuya:
        no_errors(tshark, capture, failures)
    if failures:
        sys.exit("FAIL:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
