"""Learning from a scenario log with planned offsets, on shfw's TP-Link plug
(docs/EVALUATION.md, "Scenario logs"): iotfp-learn reads
tplink-plug.activity.txt ("04 On - Timestamp 240"), aligns it on the capture
by itself, and learns from the first three on and three off commands;
iotfp-eval scores the rest of the log on the same capture.

Asserted, as the documentation states them: the alignment fits 12 of the 14
on/off steps within 1 s of a burst (the two Alexa voice steps come about
33 s after their planned time); every held-out app command (six) is named
as a power event; at most two false events, which are those two voice
commands' own bursts."""
import os

import iotfp_tshark

PLUG = "192.168.1.135"
STEPS = ["On=power_on", "Off=power_off", "Alexa, turn on TP-Link plug=power_on",
         "Alexa, turn off TP-Link plug=power_off"]
checks = iotfp_tshark.Checks()
expect = checks.expect



def main():
    shfw = iotfp_tshark.shared_data("shfw")
    tshark = iotfp_tshark.Tshark()
    tshark.install_bundled_data()  # the platform rules the signature's 'match platform' needs
    env = dict(os.environ, IOTFP_TSHARK=tshark.wrapper_script())
    capture = tshark.readable_copy(os.path.join(shfw, "tplink-plug.wlan2.4.pcap"))
    log = tshark.readable_copy(os.path.join(shfw, "tplink-plug.activity.txt"))
    signature = os.path.join(tshark.private_dir("signatures"), "tplink-plug.sig")
    planned = ["--device", PLUG] + ["--planned-event=" + step for step in STEPS]

    report = iotfp_tshark.run_program([iotfp_tshark.tool("iotfp-learn"), "--model", "tplink-plug", "--match",
                                       "platform:tplink", "--match", "port:443", "--train-share", "0.43", "--out",
                                       signature] + planned + [capture, log], env)
    os.chmod(signature, 0o644)
    alignment = next((line for line in report.splitlines() if "aligned on the capture" in line), "")
    print(alignment)
    expect("14 steps named as events" in alignment and "12 of the 14 steps then have a candidate burst" in alignment,
           "alignment: %r" % alignment)

    result = iotfp_tshark.eval_result(iotfp_tshark.run_program(
        [iotfp_tshark.tool("iotfp-eval"), "--signatures", signature, "--test-share", "0.57"] + planned
        + [capture, log], env))
    print("held out: %s labelled, %s right by containment, %s without a burst, %s false events"
          % (result["labelled"], result["contained"], result["unpaired"], result["false"]))
    expect(int(result["labelled"]) == 8 and int(result["unpaired"]) == 2,
           "held-out steps: %s labelled, %s unpaired; want 8 and the 2 voice steps" % (result["labelled"],
                                                                                      result["unpaired"]))
    expect(int(result["contained"]) == 6, "held-out app commands named: %s of 6" % result["contained"])
    expect(int(result["false"]) <= 2, "false events: %s, want at most the 2 late voice commands" % result["false"])

    checks.finish()


if __name__ == "__main__":
    main()
