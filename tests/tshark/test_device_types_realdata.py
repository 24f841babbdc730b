"""Device types on real captures: the plugin's iotfp.device.type and
confidence equal what a plain-Python GRU computes from iotfp-sequences'
features, on one capture of each data set (Ethernet and 802.11 links, IPv4
and IPv6, TCP, UDP and ICMP), so that the plugin and the tool compute the
same features on real traffic, not only on generated packets."""
import os
import sys
import tempfile

import iotfp_tshark
import test_device_types as common

CAPTURES = [("iotevent", "tplink-plug.pcap"), ("shfw", "philips-hue.wlan2.4.pcap"), ("tjo", "schlage-lock-01.pcap")]


def main():
    paths = [iotfp_tshark.shared_data(*parts) for parts in CAPTURES]
    failures = []
    tshark = iotfp_tshark.Tshark()
    model, text = common.random_model(8)
    model_path = os.path.join(tshark.private_dir("models"), "test.model")
    with open(model_path, "w") as f:
        f.write(text)
    os.chmod(model_path, 0o644)
    for path in paths:
        name = os.path.basename(path)
        expected = common.expected_types(model, common.sequences(path))
        rows = tshark.fields(path, common.FIELDS, extra=["-o", "iotfp.device_type_model:" + model_path])
        checked, typed = common.check_rows(rows, expected, failures, name)
        if typed == 0:
            failures.append("%s: no frame typed" % name)
        print("%s: %d frames checked, %d with a device type" % (name, checked, typed))
    for failure in failures[:30]:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
