"""The plugin registers its fields cleanly: each iotfp field is listed by
tshark -G fields with a description, Wireshark prints no registration warning,
and disabling the protocol removes every annotation."""
import sys
import tempfile

import iotfp_tshark

EXPECTED = {"iotfp.device", "iotfp.cloud", "iotfp.peer", "iotfp.scope", "iotfp.conv", "iotfp.role", "iotfp.burst",
            "iotfp.burst.pkts", "iotfp.burst.bytes", "iotfp.burst.start", "iotfp.burst.duration",
            "iotfp.burst.shape", "iotfp.device.model", "iotfp.event", "iotfp.event.distance",
            "iotfp.event.privacy", "iotfp.event.privacy_sensitive", "iotfp.device.type",
            "iotfp.device.type.confidence", "iotfp.tunnel.window"}


def is_expert_item(title, ftype):
    """Expert items register as FT_NONE fields titled with their summary."""
    return ftype == "FT_NONE" and len(title.split()) > 3


def main():
    failures = []
    tshark = iotfp_tshark.Tshark()
    proc = tshark.run(["-G", "fields"])
    registered = {}
    for line in proc.stdout.splitlines():
        cols = line.split("\t")
        if cols[0] == "F" and cols[2].startswith("iotfp."):
            registered[cols[2]] = (cols[7] if len(cols) > 7 else "", cols[1], cols[3])
    missing = EXPECTED - set(registered)
    if missing:
        failures.append("fields not registered: %s" % sorted(missing))
    undocumented = sorted(name for name, (blurb, title, ftype) in registered.items()
                          if not blurb.strip() and not is_expert_item(title, ftype))
    if undocumented:
        failures.append("fields without a description: %s" % undocumented)
    if proc.stderr.strip():
        failures.append("tshark -G fields printed warnings: %s" % proc.stderr.strip())

    with tempfile.TemporaryDirectory() as work:
        capture, _, _ = iotfp_tshark.generate("demo", work)
        on = tshark.run(["-r", tshark.readable_copy(capture), "-Y", "iotfp"]).stdout.splitlines()
        off = tshark.run(["-r", tshark.readable_copy(capture), "--disable-protocol", "iotfp", "-Y", "iotfp"],
                         check=False)
    if not on:
        failures.append("no packet matched the filter 'iotfp' with the plugin enabled")
    if off.returncode != 0 or off.stdout.strip():
        failures.append("with iotfp disabled, %d packets still matched (exit %d)"
                        % (len(off.stdout.splitlines()), off.returncode))
    for failure in failures:
        print("FAIL:", failure)
    print("%d iotfp fields registered, %d packets annotated; %d failures" % (len(registered), len(on), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
