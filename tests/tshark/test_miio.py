"""The miIO dissector on captures the project makes: iotfp-gen's "miio" home
(a Mijia plug and its cloud on UDP 8053, the phone app on UDP 54321, every
packet encrypted under a test token) and a few packets this test writes
itself, with checksums from hashlib and ciphertexts from openssl, so that the
dissector is checked against more than the generator's own code.

With the right token (by device id in decimal or hex, or by address) every
checksum is good and every body decrypts to the JSON the generator sent;
with a wrong token every checksum is bad, with a clear expert item, and
nothing is decrypted; without a token only the header is shown. Bad rows in
the token table are refused with a message. A capture cut by a snapshot
length says "truncated", not malformed."""
import atexit
import hashlib
import os
import shutil
import struct
import sys
import tempfile

import iotfp_tshark

TOKEN = "000102030405060708090a0b0c0d0e0f"
WRONG_TOKEN = "ffeeddccbbaa99887766554433221100"
DEVICE_ID = 123456789  # 0x075bcd15, the plug of the "miio" scenario
PLUG_ADDRESS = "192.168.1.61"
DATA, HELLO, HELLO_REPLY, KEEPALIVE = "4", "1", "2", "3"
BAD, GOOD, UNVERIFIED, NOT_PRESENT = "0", "1", "2", "3"
# What the scenario's plug, cloud and app say (scenario_tables.c).
EXPECTED_JSON = {
    '{"id":101,"method":"set_power","params":["on"]}',
    '{"id":101,"result":["ok"]}',
    '{"id":9001,"method":"props","params":{"power":"on"}}',
    '{"id":9001,"result":"ok"}',
    '{"id":102,"method":"set_power","params":["off"]}',
    '{"id":102,"result":["ok"]}',
    '{"id":9002,"method":"props","params":{"power":"off"}}',
    '{"id":9002,"result":"ok"}',
    '{"id":1,"method":"set_power","params":["on"]}',
    '{"id":1,"result":["ok"]}',
    '{"id":2,"method":"get_prop","params":["power"]}',
    '{"id":2,"result":["on"]}',
}
FIELDS = ["frame.number", "miio.type", "miio.length", "udp.length", "miio.device_id", "miio.checksum.status",
          "miio.decrypted"]

# Packets independent of the generator. Token 0f0e..00, device 0x11223344,
# stamp 3600. Ciphertexts:
#   key = md5(token), iv = md5(key + token)   (hashlib)
#   A: printf '{"id":7,"method":"miIO.info","params":[]}\0' | openssl enc -aes-128-cbc -K KEY -iv IV
#   B: '{"id":8,"method":"get_prop"}' and NULs to 32 bytes, with -nopad: a
#      last byte of 0 is no PKCS#7 padding.
CRAFTED_TOKEN = bytes.fromhex("0f0e0d0c0b0a09080706050403020100")
CRAFTED_ID = 0x11223344
CRAFTED_JSON = '{"id":7,"method":"miIO.info","params":[]}'
BODY_A = bytes.fromhex("e39c4d6c0a880c2423576c2833b123ae2be79e3aec635cd0dbee4b7495c066b1"
                       "65d76f294a9006d405e43ce51606b535")
BODY_B = bytes.fromhex("0825ec72c8e3e926c81d464732d2d5efddcdc818e7202980d0153037b2056394")


def token_row(device, token):
    return ["-o", 'uat:miio_tokens:"%s","%s"' % (device, token)]


def miio_packet(body, device_id=CRAFTED_ID, stamp=3600, length=None, token=CRAFTED_TOKEN):
    header = struct.pack(">HHIII", 0x2131, 32 + len(body) if length is None else length, 0, device_id, stamp)
    return header + hashlib.md5(header + token + body).digest() + body


def ipv4_checksum(header):
    total = sum(struct.unpack(">10H", header))
    total = (total & 0xffff) + (total >> 16)
    return ~((total & 0xffff) + (total >> 16)) & 0xffff


def write_pcap(path, datagrams):
    """datagrams: (src port, dst port, payload); 192.168.1.50 -> 192.168.1.62."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, (sport, dport, payload) in enumerate(datagrams):
            udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                             bytes([192, 168, 1, 50]), bytes([192, 168, 1, 62]))
            ip = ip[:10] + struct.pack(">H", ipv4_checksum(ip)) + ip[12:]
            frame = bytes.fromhex("020000000162" "020000000150" "0800") + ip + udp
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)))
            f.write(frame)


class Checker:
    def __init__(self, tshark):
        self.tshark = tshark
        self.failures = []

    def fail(self, message):
        self.failures.append(message)

    def rows(self, capture, extra=()):
        return self.tshark.fields(capture, FIELDS, extra=list(extra))

    def count(self, capture, display_filter, extra=()):
        return len(self.tshark.fields(capture, ["frame.number"], extra=list(extra) + ["-Y", display_filter]))

    def no_malformed(self, capture, extra=(), what=""):
        n = self.count(capture, "_ws.malformed", extra)
        if n:
            self.fail("%s: %d malformed frames" % (what or capture, n))


def check_fields(c):
    proc = c.tshark.run(["-G", "fields"])
    undescribed = [line.split("\t")[2] for line in proc.stdout.splitlines()
                   if line.startswith("F\t") and line.split("\t")[4] == "miio" and line.split("\t")[3] != "FT_NONE"
                   and (len(line.split("\t")) < 8 or not line.split("\t")[7].strip())]
    if undescribed:
        c.fail("miio fields without a description: %s" % undescribed)
    if proc.stderr.strip():
        c.fail("tshark -G fields printed warnings: %s" % proc.stderr.strip())


def check_right_token(c, pcap, extra, how):
    rows = c.rows(pcap, extra)
    data = [r for r in rows if r["miio.type"] == DATA]
    if not rows or any(not r["miio.type"] for r in rows):
        c.fail("%s: frames not dissected as miIO: %s" % (how, [r["frame.number"] for r in rows if not r["miio.type"]]))
    for r in rows:
        if r["miio.length"] != str(int(r["udp.length"] or 0) - 8):
            c.fail("%s frame %s: miio.length %s, UDP payload %s" % (how, r["frame.number"], r["miio.length"],
                                                                    int(r["udp.length"] or 0) - 8))
    bad_status = [r["frame.number"] for r in data if r["miio.checksum.status"] != GOOD]
    if bad_status:
        c.fail("%s: data frames without a good checksum: %s" % (how, bad_status))
    decrypted = {r["miio.decrypted"] for r in data}
    if decrypted != EXPECTED_JSON:
        c.fail("%s: decrypted %s, expected %s" % (how, sorted(decrypted), sorted(EXPECTED_JSON)))
    for r in rows:
        expected = {HELLO: NOT_PRESENT, HELLO_REPLY: NOT_PRESENT, KEEPALIVE: UNVERIFIED}.get(r["miio.type"])
        if expected and r["miio.checksum.status"] != expected:
            c.fail("%s frame %s: type %s with checksum status %s" % (how, r["frame.number"], r["miio.type"],
                                                                     r["miio.checksum.status"]))
    # The JSON dissector shows the command.
    set_power = sum(1 for r in data if '"method":"set_power"' in r["miio.decrypted"])
    json_set_power = c.count(pcap, 'json.member_with_value == "method:set_power"', extra)
    if set_power == 0 or json_set_power != set_power:
        c.fail("%s: %d set_power commands decrypted, %d shown by the JSON dissector" % (how, set_power,
                                                                                          json_set_power))
    # One hello reply carries the token; recognised only with the token.
    exposed = c.count(pcap, "miio.token.exposed && miio.type == 2", extra)
    if exposed != 1:
        c.fail("%s: %d hello replies recognised by the token in their checksum field, expected 1" % (how, exposed))
    if c.count(pcap, "_ws.expert.severity == error", extra):
        c.fail("%s: expert errors with the right token" % how)
    print("%-22s %2d frames, %2d data frames decrypted with a good checksum, %d JSON set_power commands"
          % (how, len(rows), len(data), json_set_power))
    return len(data)


def check_wrong_token(c, pcap, n_data):
    extra = token_row(DEVICE_ID, WRONG_TOKEN)
    rows = c.rows(pcap, extra)
    data = [r for r in rows if r["miio.type"] == DATA]
    if len(data) != n_data or any(r["miio.checksum.status"] != BAD for r in data):
        c.fail("wrong token: %d data frames, statuses %s; expected %d, all bad" % (
            len(data), sorted({r["miio.checksum.status"] for r in data}), n_data))
    flagged = c.count(pcap, "miio.checksum.bad", extra)
    if flagged != n_data:
        c.fail("wrong token: %d 'wrong token?' expert items for %d data frames" % (flagged, n_data))
    garbage = c.count(pcap, "miio.decrypted || json || miio.padding.bad || miio.token.exposed", extra)
    if garbage:
        c.fail("wrong token: %d frames with decrypted text, JSON or padding complaints" % garbage)
    message = c.tshark.run(["-r", c.tshark.readable_copy(pcap), "-V", "-c", "3"] + extra).stdout
    if "wrong token?" not in message:
        c.fail("wrong token: no 'wrong token?' in tshark -V")
    print("wrong token            %2d data frames with a bad checksum and a 'wrong token?' expert item" % flagged)


def check_no_token(c, pcap, n_data):
    rows = c.rows(pcap)
    data = [r for r in rows if r["miio.type"] == DATA]
    if len(data) != n_data or any(r["miio.checksum.status"] != UNVERIFIED for r in data):
        c.fail("no token: %d data frames, statuses %s" % (len(data), sorted({r["miio.checksum.status"] for r in data})))
    if any(r["miio.device_id"] != str(DEVICE_ID) for r in data):
        c.fail("no token: device ids %s" % sorted({r["miio.device_id"] for r in data}))
    if c.count(pcap, "miio.decrypted || json || miio.checksum.bad"):
        c.fail("no token: decrypted text, JSON or checksum complaints")
    if c.count(pcap, "miio.token.none") != n_data:
        c.fail("no token: not every data frame says that no token is configured")
    c.no_malformed(pcap, what="no token")
    print("no token               %2d data frames, header only" % len(data))


def check_bad_rows(c, pcap):
    cases = [
        (("plug", TOKEN), "neither a device ID"),
        (("1601c881", TOKEN), "hex with 0x"),
        ((DEVICE_ID, TOKEN[:-1]), "has 31 hex digits"),
        ((DEVICE_ID, TOKEN[:-1] + "g"), "is not a hex digit"),
        ((DEVICE_ID, ""), "32 hex digits"),
    ]
    for (device, token), message in cases:
        proc = c.tshark.run(["-r", c.tshark.readable_copy(pcap), "-c", "1"] + token_row(device, token), check=False)
        if proc.returncode == 0 or message not in proc.stderr:
            c.fail("token row %r,%r: exit %d, stderr %r; expected a failure saying %r" % (
                device, token, proc.returncode, proc.stderr.strip(), message))


def check_truncated(c, pcap, workdir, n_data):
    cut = os.path.join(workdir, "miio-snaplen100.pcap")
    iotfp_tshark.run_tool(["editcap", "-s", "100", pcap, cut])
    extra = token_row(DEVICE_ID, TOKEN)
    rows = c.rows(cut, extra)
    data = [r for r in rows if r["miio.type"] == DATA]
    truncated = c.count(cut, "miio.truncated", extra)
    if len(data) != n_data or truncated != n_data:
        c.fail("snaplen 100: %d data frames, %d said truncated; expected %d" % (len(data), truncated, n_data))
    if any(r["miio.checksum.status"] != UNVERIFIED or r["miio.decrypted"] for r in data):
        c.fail("snaplen 100: a cut packet was verified or decrypted")
    c.no_malformed(cut, extra, "snaplen 100")
    if c.count(cut, "_ws.expert.severity == error", extra):
        c.fail("snaplen 100: expert errors")
    print("snaplen 100            %2d data frames said truncated, none malformed" % truncated)


def check_crafted(c, workdir):
    good = miio_packet(BODY_A)
    packets = [
        (40001, 54321, good),                                   # 1 decrypts
        (40001, 54321, miio_packet(BODY_B)),                    # 2 bad padding, good checksum
        (40001, 54321, miio_packet(BODY_A[:32], length=96)),    # 3 length field says more
        (40001, 54321, miio_packet(b"\x00" * 8)),               # 4 half a block
        (40001, 54321, b"\x21\x31\x00\x14" + b"\x00" * 16),     # 5 shorter than a header
        (40000, 40002, good),                                   # 6 heuristic, any port
        (40001, 8053, b"\x00\x01not miio at all"),             # 7 not claimed on 8053
    ]
    pcap = os.path.join(workdir, "crafted.pcap")
    write_pcap(pcap, packets)
    extra = token_row("0x%08x" % CRAFTED_ID, CRAFTED_TOKEN.hex())
    rows = {r["frame.number"]: r for r in c.rows(pcap, extra)}
    expect = {
        "1": "miio.checksum.status == 1 && miio.decrypted == \"%s\" && json.value.string == \"miIO.info\""
             % CRAFTED_JSON.replace('"', '\\"'),
        "2": "miio.checksum.status == 1 && miio.padding.bad && !miio.decrypted && !json",
        "3": "miio.length.bad && miio.checksum.status == 2 && !miio.decrypted",
        "4": "miio.length.unaligned && miio.checksum.status == 2",
        "5": "miio.length.bad && !miio.type",
        "6": "miio.checksum.status == 1 && miio.decrypted",
        "7": "!miio",
    }
    for frame, display_filter in expect.items():
        if c.count(pcap, "frame.number == %s && (%s)" % (frame, display_filter), extra) != 1:
            c.fail("crafted frame %s does not match %s: %s" % (frame, display_filter, rows.get(frame)))
    if rows["1"]["miio.decrypted"] != CRAFTED_JSON:
        c.fail("crafted frame 1 decrypted to %r" % rows["1"]["miio.decrypted"])
    print("crafted                %d packets: openssl body decrypted, bad padding, bad lengths, heuristic" % len(packets))


def main():
    tshark = iotfp_tshark.Tshark()
    c = Checker(tshark)
    check_fields(c)
    workdir = tempfile.mkdtemp(prefix="iotfp-miio-")
    atexit.register(shutil.rmtree, workdir, True)
    pcap, _, labels = iotfp_tshark.generate("miio", workdir)
    if len(labels) == 0:
        c.fail("the miio scenario has no labelled events")
    n_data = check_right_token(c, pcap, token_row(DEVICE_ID, TOKEN), "token by device id")
    check_right_token(c, pcap, token_row("0x%08X" % DEVICE_ID, TOKEN.upper()), "token by hex id")
    check_right_token(c, pcap, token_row(PLUG_ADDRESS, TOKEN), "token by address")
    c.no_malformed(pcap, token_row(DEVICE_ID, TOKEN), "right token")
    check_wrong_token(c, pcap, n_data)
    check_no_token(c, pcap, n_data)
    check_bad_rows(c, pcap)
    check_truncated(c, pcap, workdir, n_data)
    check_crafted(c, workdir)
    if c.failures:
        sys.exit("FAIL:\n  " + "\n  ".join(c.failures))


if __name__ == "__main__":
    main()
