"""The bundled signature library, installed as `make install` puts it, on the
shared real captures (docs/EVALUATION.md, "Events").

- No bundled model claims a burst of a device it was not learned from: on
  every shfw and tjo capture of a device without a signature, no burst
  carries iotfp.device.model. A model claimed by its cloud port alone would
  take the MQTT devices (tjo's Schlage lock, shfw's Tuya sensor).
- The Schlage lock's bundled signature, on the latest 40% of its capture that
  `make signatures` held out: every labelled lock and unlock found (the
  figure docs/EVALUATION.md states), and its false events per device-day
  printed and bounded by the figure stated there."""
import os
import sys

import iotfp_tshark

# Captures whose devices no bundled signature covers, and the device that is
# allowed a model in the others (its own).
UNCOVERED = ["philips-hue.lan", "philips-hue.wlan2.4", "smartthings-hub.lan", "smartthings-hub.wlan2.4",
             "tuya-motion.lan", "tuya-motion.wlan2.4", "xiaomi-cam.lan", "xiaomi-cam.wlan2.4"]
SCHLAGE = ("192.168.1.122", "schlage-lock")
STATED_FOUND = 14          # labelled events of the held-out 40%, all found
STATED_FALSE = 1           # false events in those 2.9 days
checks = iotfp_tshark.Checks()
expect = checks.expect


def claims(tshark, capture):
    rows = tshark.fields(capture, ["iotfp.device", "iotfp.burst", "iotfp.device.model", "iotfp.event"])
    return {(r["iotfp.device"], r["iotfp.burst"], r["iotfp.device.model"], r["iotfp.event"])
            for r in rows if r["iotfp.device.model"]}


def main():
    shfw, tjo = iotfp_tshark.shared_data("shfw"), iotfp_tshark.shared_data("tjo")
    tshark = iotfp_tshark.Tshark()
    signatures = tshark.install_bundled_data()

    for name in UNCOVERED:
        claimed = claims(tshark, os.path.join(shfw, name + ".pcap"))
        expect(not claimed, "%s: %d bursts claimed by bundled models, e.g. %s"
               % (name, len(claimed), sorted(claimed)[:3]))
    lock = claims(tshark, os.path.join(tjo, "schlage-lock-01.pcap"))
    foreign = {c for c in lock if (c[0], c[2]) != SCHLAGE}
    expect(not foreign, "schlage-lock-01: %d bursts claimed by another model or of another device, e.g. %s"
           % (len(foreign), sorted(foreign)[:3]))
    expect(any(c[3] not in ("", "other") for c in lock), "schlage-lock-01: the bundled lock signature names no event")
    blink = claims(tshark, os.path.join(tjo, "blink-cam-01.pcap"))
    expect(not blink, "blink-cam-01: %d bursts claimed, e.g. %s" % (len(blink), sorted(blink)[:3]))

    labels = tshark.private_dir("labels")
    env = dict(os.environ, IOTFP_TSHARK=tshark.wrapper_script())
    iotfp_tshark.run_program([sys.executable, os.path.join(os.path.dirname(__file__), "tjo_labels.py"), "--data", tjo,
                              labels], env)
    result = iotfp_tshark.eval_result(iotfp_tshark.run_program(
        [iotfp_tshark.tool("iotfp-eval"), "--signatures", signatures, "--test-share", "0.4", "--idle",
         "--device", SCHLAGE[0], "--offset", "1", "--window", "3",
         tshark.readable_copy(os.path.join(tjo, "schlage-lock-01.pcap")),
         os.path.join(labels, "schlage-lock-01.labels.csv")], env))
    print("schlage-lock, bundled signature, held-out 40%%: %s of %s labelled found, %s false in %s days"
          % (result["contained"], result["labelled"], result["false"], result["days"]))
    expect(int(result["labelled"]) == STATED_FOUND and int(result["contained"]) == STATED_FOUND,
           "schlage-lock: %s of %s found, docs state %d of %d"
           % (result["contained"], result["labelled"], STATED_FOUND, STATED_FOUND))
    expect(int(result["false"]) <= STATED_FALSE,
           "schlage-lock: %s false events, docs state %d" % (result["false"], STATED_FALSE))

    checks.finish()


if __name__ == "__main__":
    main()
