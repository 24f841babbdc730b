"""Platforms on the real captures: every conversation gets the platform pinned
below, on every one of its packets, with the evidence pinned below; every
conversation not listed gets no platform. The bundled rules are installed
where the plugin looks for them (XDG data folder, iotfp/signatures). Also
checks that a broken user rules file is reported with its file and line while
the other rules stay in force, and that a user file takes precedence over the
bundled one.

The iotevent captures are synthetic at the packet level (addresses, ports and
payload bytes are filled in; see ../shared/tools/iotevents2pcap.py): there is
no name or SNI in them, so only the JD devices, whose payloads carry the
Joylink magic, get a platform. Ports 443 and 8883 serve every cloud."""
import collections
import os
import sys

import iotfp_tshark


TUYA_HINT = "tls-psk-hint 1dHRsc2NjbHltbGx3eWh50000000000000000"
NONE = None

# capture -> [(device, peer, platform, evidence or, for no platform, why)].
# Conversations are address pairs (iotfp.conv); peers are addresses.
EXPECTED = {
    "shfw/philips-hue.lan.pcap": [
        ("192.168.1.141", "74.125.133.206", "google-iot", "sni mqtt.2030.ltsapis.goog"),
        ("192.168.1.141", "34.117.13.23", "hue", "name time.meethue.com"),
        ("192.168.1.141", "239.255.255.250", "hue", "http-server Hue/1.0 UPnP/1.0 IpBridge/1.57.0"),
        ("192.168.1.141", "34.117.13.189", "hue", "sni ws.meethue.com"),
        ("192.168.1.141", "54.74.123.186", "hue", "sni diag.meethue.com"),
        ("192.168.1.141", "54.171.25.87", "hue", "sni diag.meethue.com"),
        ("192.168.1.141", "54.78.125.193", "hue", "sni diag.meethue.com"),
        ("192.168.1.141", "54.217.52.155", "hue", "sni data.meethue.com"),
        ("192.168.1.141", "52.210.32.69", "hue", "sni data.meethue.com"),
        ("192.168.1.141", "108.128.53.179", "hue", "sni data.meethue.com"),
        ("192.168.1.141", "192.168.1.222", "hue", "http-server Hue/1.0 UPnP/1.0 IpBridge/1.57.0"),
        ("192.168.1.141", "192.168.1.1", NONE, "resolver (DNS, DHCP)"),
        ("192.168.1.141", "203.107.6.88", NONE, "NTP (ntp4.aliyun.com)"),
        ("192.168.1.141", "120.25.115.20", NONE, "NTP (ntp1.aliyun.com)"),
        ("192.168.1.141", "216.239.35.0", NONE, "NTP (time1.google.com)"),
        ("192.168.1.141", "216.239.35.12", NONE, "NTP (time4.google.com)"),
        ("192.168.1.141", "224.0.0.251", NONE, "mDNS"),
        ("192.168.1.222", "239.255.255.250", NONE, "the phone's SSDP search"),
        ("192.168.1.141", "52.208.102.184", "hue", "name www.ecdinterface.philips.com"),
        ("192.168.1.141", "52.31.130.138", "hue", "name www.ecdinterface.philips.com"),
        ("192.168.1.141", "52.48.224.40", "hue", "name dcp.dc1.philips.com"),
        ("192.168.1.141", "192.168.1.223", NONE, "unsure: two SYNs from the SmartThings hub"),
    ],
    "shfw/philips-hue.wlan2.4.pcap": [
        ("192.168.1.141", "239.255.255.250", "hue", "http-server Hue/1.0 UPnP/1.0 IpBridge/1.57.0"),
    ],
    "shfw/smartthings-hub.lan.pcap": [
        ("192.168.1.223", "18.239.94.26", "smartthings", "sni connectivity.smartthings.com"),
        ("192.168.1.223", "34.249.114.205", "smartthings", "name dc.connect.smartthings.com"),
        ("192.168.1.223", "54.155.16.139", "smartthings", "name dc-eu01-euwest1.connect.smartthings.com"),
        ("192.168.1.223", "52.50.67.219", "smartthings", "sni hub.smartthings.com"),
        ("192.168.1.223", "34.240.106.143", "smartthings", "sni fw-update2.smartthings.com"),
        ("192.168.1.223", "18.239.94.51", "smartthings", "sni connectivity.smartthings.com"),
        ("192.168.1.223", "18.239.94.117", "smartthings", "sni connectivity.smartthings.com"),
        ("192.168.1.223", "18.239.94.65", "smartthings", "sni connectivity.smartthings.com"),
        ("192.168.1.223", "176.34.194.138", "smartthings", "sni fw-update2.smartthings.com"),
        ("192.168.1.223", "192.168.1.1", NONE, "resolver"),
        ("192.168.1.223", "224.0.0.251", NONE, "mDNS (_hue._tcp and _matter._tcp queries)"),
    ],
    "shfw/smartthings-hub.wlan2.4.pcap": [],
    "shfw/tplink-plug.lan.pcap": [],
    "shfw/tplink-plug.wlan2.4.pcap": [
        ("192.168.1.135", "52.18.244.152", "tplink", "name n-devs.tplinkcloud.com"),
        ("192.168.1.135", "46.51.200.0", "tplink", "name n-devs.tplinkcloud.com"),
        ("192.168.1.135", "52.211.217.98", "tplink", "sni euw1-api.tplinkra.com"),
        ("192.168.1.222", "192.168.1.135", "tplink", "magic tplink-smarthome"),
        ("192.168.1.135", "192.168.1.150", "tplink", "magic tplink-smarthome"),
        ("192.168.1.135", "3.226.226.221", "tplink", "sni use1-api.tplinkra.com"),
        ("192.168.1.135", "3.220.224.155", "tplink", "sni use1-api.tplinkra.com"),
        ("192.168.1.135", "18.235.132.19", "tplink", "sni use1-api.tplinkra.com"),
        ("192.168.1.135", "44.208.213.150", "tplink", "sni use1-api.tplinkra.com"),
        ("192.168.1.135", "54.164.72.203", "tplink", "sni use1-api.tplinkra.com"),
        ("192.168.1.135", "192.168.1.1", NONE, "resolver (DNS, DHCP)"),
        ("192.168.1.135", "188.93.104.2", NONE, "NTP (ru.pool.ntp.org)"),
    ],
    "shfw/tuya-motion.lan.pcap": [
        ("192.168.1.102", "255.255.255.255", "tuya", "magic tuya"),
    ],
    "shfw/tuya-motion.wlan2.4.pcap": [
        ("192.168.1.102", "255.255.255.255", "tuya", "magic tuya"),
        ("192.168.1.102", "192.168.1.222", "tuya", "magic tuya"),
        ("192.168.1.102", "35.156.44.172", "tuya", TUYA_HINT),
        ("192.168.1.102", "3.124.225.12", "tuya", TUYA_HINT),
        ("192.168.1.102", "3.64.85.28", "tuya", TUYA_HINT),
        ("192.168.1.102", "3.123.124.46", "tuya", TUYA_HINT),
        ("192.168.1.102", "18.195.249.137", "tuya", TUYA_HINT),
        ("192.168.1.102", "18.185.182.159", "tuya", TUYA_HINT),
        ("192.168.1.102", "3.121.131.36", "tuya", TUYA_HINT),
        ("192.168.1.102", "52.28.144.124", NONE, "unsure: Tuya TLS-PSK on 443, but a resumed session shows no hint"),
        ("192.168.1.102", "3.122.134.146", NONE, "unsure: Tuya TLS-PSK on 443, but a resumed session shows no hint"),
    ],
    "shfw/xiaomi-cam.lan.pcap": [
        ("192.168.1.222", "192.168.1.255", "mijia", "magic miio"),
        ("192.168.1.222", "255.255.255.255", "cs2-p2p", "magic cs2"),  # the app's LAN_SEARCH on UDP 32108
        ("192.168.1.222", "157.240.247.38", NONE, "the phone's own traffic (Facebook, TCP 5222)"),
    ],
    "shfw/xiaomi-cam.wlan2.4.pcap": [
        ("192.168.1.161", "110.43.39.53", "mijia", "name xiaomi5.p2psy2.io.mi.com"),
        ("192.168.1.161", "110.43.68.154", "mijia", "name xiaomi5.p2psy3.io.mi.com"),
        ("192.168.1.222", "192.168.1.255", "mijia", "magic miio"),
        ("192.168.1.222", "192.168.1.161", "mijia", "magic miio"),
        ("192.168.1.222", "255.255.255.255", "cs2-p2p", "magic cs2"),  # the app's LAN_SEARCH on UDP 32108
        ("192.168.1.161", "36.156.49.114", "mijia", "magic miio"),
        ("192.168.1.161", "45.124.124.1", "mijia", "magic miio"),
        ("192.168.1.161", "36.156.49.100", "mijia", "magic miio"),
        ("192.168.1.161", "120.92.147.154", "mijia", "magic miio"),
        ("192.168.1.161", "192.168.1.1", NONE, "resolver (DNS, DHCP)"),
        ("192.168.1.161", "8.8.8.8", NONE, "ICMP echo to a public resolver"),
        ("192.168.1.161", "130.104.214.55", "cs2-p2p", "magic cs2"),  # video to the phone outside, hole punched
        ("192.168.1.161", "110.43.0.83", NONE, "unsure: Xiaomi GSLB (GET /gslb?...dm=ots.io.mi.com, no Host header)"),
        ("192.168.1.161", "120.92.145.133", NONE, "unsure: TLS-like on 443, no SNI"),
        ("192.168.1.161", "42.157.165.251", "cs2-p2p", "magic cs2"),  # a CS2 server, UDP 32100
        ("192.168.1.161", "20.47.97.231", NONE, "unsure: TLS on 443, SNI cut off by the 150-byte snaplen"),
    ],
    "iotevent/huawei-lamp.pcap": [
        ("192.168.1.24", "121.36.1.50", NONE, "synthetic: TLS on 443 names no platform"),
    ],
    "iotevent/jd-gateway.pcap": [
        ("192.168.1.21", "111.13.1.20", "joylink", "magic joylink"),
    ],
    "iotevent/jd-plug.pcap": [
        ("192.168.1.25", "111.13.1.20", "joylink", "magic joylink"),
    ],
    "iotevent/smartthings-plug.pcap": [
        ("192.168.1.26", "34.200.1.40", NONE, "synthetic: TLS on 443 names no platform"),
    ],
    "iotevent/smartthings-sensor.pcap": [
        ("192.168.1.22", "34.200.1.40", NONE, "synthetic: TLS on 443 names no platform"),
    ],
    "iotevent/tplink-plug.pcap": [
        ("192.168.1.23", "52.10.1.30", NONE, "synthetic: TLS on 443 names no platform"),
    ],
    "iotevent/tuya-plug.pcap": [
        ("192.168.1.27", "47.88.1.10", NONE, "synthetic: TLS on 8883 (MQTT) names no platform"),
    ],
    "uclouvain-tplink/test/traces/1724059939.pcap": [
        ("192.168.1.135", "192.168.1.110", "tplink", "magic tplink-smarthome"),
        ("192.168.1.135", "52.3.101.168", "tplink", "sni use1-api.tplinkra.com"),
        ("192.168.1.1", "192.168.1.135", NONE, "resolver"),
    ],
    "uclouvain-tplink/test/traces/1724060053.pcap": [
        ("192.168.1.135", "192.168.1.110", "tplink", "magic tplink-smarthome"),
        ("192.168.1.135", "3.218.230.180", "tplink", "sni use1-api.tplinkra.com"),
        ("192.168.1.1", "192.168.1.135", NONE, "resolver"),
    ],
    "uclouvain-tplink/test/traces/1724060140.pcap": [
        ("192.168.1.110", "192.168.1.135", "tplink", "magic tplink-smarthome"),
        ("192.168.1.135", "34.237.54.215", "tplink", "sni use1-api.tplinkra.com"),
        ("192.168.1.1", "192.168.1.135", NONE, "resolver"),
    ],
    "tjo/blink-cam-01.pcap": [
        ("192.168.1.129", "52.70.158.224", "blink", "name VS-cam.u011.immedia-semi.com"),
        ("192.168.1.129", "3.227.188.171", "blink", "name VS-cam.u011.immedia-semi.com"),
        ("192.168.1.129", "3.220.152.140", "blink", "name VS-cam.u011.immedia-semi.com"),
        ("192.168.1.129", "3.226.162.24", "blink", "name VS-cam.u011.immedia-semi.com"),
        ("192.168.1.129", "192.168.1.1", NONE, "resolver (DNS, DHCP)"),
    ],
    "tjo/schlage-lock-01.pcap": [
        ("192.168.1.122", "52.89.250.177", "aws-iot", "name a30hje92j76kem.iot.us-west-2.amazonaws.com"),
        ("192.168.1.122", "52.39.43.255", "aws-iot", "name a30hje92j76kem.iot.us-west-2.amazonaws.com"),
        ("192.168.1.122", "44.237.243.166", "aws-iot", "name a30hje92j76kem.iot.us-west-2.amazonaws.com"),
        ("192.168.1.122", "52.89.251.201", "aws-iot", "name a30hje92j76kem.iot.us-west-2.amazonaws.com"),
        ("192.168.1.122", "35.160.232.23", "aws-iot", "name a30hje92j76kem.iot.us-west-2.amazonaws.com"),
        ("192.168.1.122", "35.166.57.77", "aws-iot", "name a30hje92j76kem.iot.us-west-2.amazonaws.com"),
        ("192.168.1.122", "44.238.198.126", "aws-iot", "name a30hje92j76kem.iot.us-west-2.amazonaws.com"),
        ("192.168.1.1", "192.168.1.122", NONE, "resolver (DNS, DHCP)"),
        ("192.168.1.122", "132.163.96.4", NONE, "NTP (time.nist.gov)"),
        ("192.168.1.122", "191.236.19.163", "allegion", "name api.allegionengage.com"),
    ],
}

FIELDS = ["iotfp.conv", "iotfp.device", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "iotfp.platform",
          "iotfp.platform.evidence"]


def conversations(tshark, capture, extra=()):
    """(device, peer address) -> set of (platform, evidence) over its packets."""
    convs = collections.defaultdict(set)
    for row in tshark.fields(capture, FIELDS, extra=extra):
        if not row["iotfp.conv"]:
            continue
        src = row["ip.src"] or row["ipv6.src"]
        dst = row["ip.dst"] or row["ipv6.dst"]
        device = row["iotfp.device"]
        peer = dst if src == device else src
        convs[(device, peer)].add((row["iotfp.platform"] or None, row["iotfp.platform.evidence"] or None))
    return convs


def check_capture(tshark, name, path, has_miio, failures):
    convs = conversations(tshark, path)
    expected = {(device, peer): (platform, detail) for device, peer, platform, detail in EXPECTED[name]}
    with_platform = without = skipped = 0
    for key, seen in sorted(convs.items()):
        if len(seen) != 1:
            failures.append("%s %s -> %s: packets disagree: %s" % (name, key[0], key[1], sorted(seen, key=str)))
            continue
        (platform, evidence), = seen
        want_platform, detail = expected.pop(key, (NONE, "not listed"))
        want_evidence = detail if want_platform else None
        if want_evidence == "magic miio" and not has_miio:
            want_platform = want_evidence = None  # the miIO dissector is not in this build
            skipped += 1
        if (platform, evidence) != (want_platform, want_evidence):
            failures.append("%s %s -> %s: platform %s (%s), expected %s (%s)"
                            % (name, key[0], key[1], platform, evidence, want_platform, detail))
        if platform:
            with_platform += 1
        else:
            without += 1
    for (device, peer), (platform, detail) in sorted(expected.items()):
        failures.append("%s: no conversation %s -> %s (expected %s: %s)" % (name, device, peer, platform, detail))
    unsure = [detail for _, _, platform, detail in EXPECTED[name] if not platform and detail.startswith("unsure")]
    print("%-45s %3d conversations: %3d with a platform, %3d without (%d of them unsure)%s"
          % (name, len(convs), with_platform, without, len(unsure),
             ("; %d miIO expectation(s) skipped: no miio dissector" % skipped) if skipped else ""))
    return with_platform, without, len(unsure)


def check_user_files(tshark, capture, failures):
    """A broken user file is reported with file:line and skipped; a valid one
    takes precedence over the bundled rules."""
    broken = tshark.write_text("user-rules", "broken.rules", "iotfp-platforms 1\nplatform x\nsufficient port 99999\n")
    override = tshark.write_text("user-rules", "override.rules",
                                 "iotfp-platforms 1\nplatform none\nsufficient sni use1-api.tplinkra.com\n")
    pref = ["-o", "iotfp.platform_rules:%s:%s" % (broken, override)]
    proc = tshark.run(["-r", tshark.readable_copy(capture), "-2", "-T", "fields", "-e", "iotfp.platform"] + pref)
    if "%s:3: port '99999' is not a number from 0 to 65535" % broken not in proc.stderr:
        failures.append("broken user rules file not reported with file and line; stderr: %r" % proc.stderr)
    platforms = collections.Counter(line for line in proc.stdout.splitlines() if line)
    # The local TP-Link conversation keeps its bundled platform; the cloud one
    # is no platform by the user's word.
    if platforms != collections.Counter({"tplink": 16}):
        failures.append("with user files: platforms %s, expected only the 16 local TP-Link packets" % dict(platforms))
    print("user rules: a broken file is reported (%s:3) and skipped, the user's 'none' rule takes precedence"
          % os.path.basename(broken))


def main():
    root = iotfp_tshark.shared_data()
    tshark = iotfp_tshark.Tshark()
    tshark.install_bundled_data()
    has_miio = any(line.split("\t")[-1] == "miio" for line in tshark.run(["-G", "protocols"]).stdout.splitlines())
    failures = []
    totals = [0, 0, 0]
    for name in EXPECTED:
        counts = check_capture(tshark, name, iotfp_tshark.shared_data(*name.split("/")), has_miio, failures)
        totals = [a + b for a, b in zip(totals, counts)]
    print("all: %d conversations with a platform, %d without (%d of them unsure)" % tuple(totals))
    check_user_files(tshark, os.path.join(root, "uclouvain-tplink/test/traces/1724059939.pcap"), failures)
    if failures:
        sys.exit("FAIL:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
