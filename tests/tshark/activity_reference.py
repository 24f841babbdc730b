"""An independent reading of the activity rules (signatures/README.md,
"Activity rules"), written straight from their definitions with plain
quadratic scans, for the tshark tests to compute which activities a timeline
implies; the event list they start from, as `tshark -2 -T fields` shows it;
and a parser of `tshark -z iotfp,timeline` output. Only fixed UTC offsets are
understood as time zones ("UTC", "+08:00")."""
import fnmatch
import re

FIELDS = ("device", "model", "event", "privacy")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def span(text):
    parts = re.findall(r"(\d+)([smhd])", text)
    assert "".join(n + u for n, u in parts) == text, "bad duration %r" % text
    return sum(int(n) * UNITS[u] for n, u in parts)


def pattern(words):
    """A list of alternatives, each a dict field -> glob; [] is any event."""
    if not words or words == ["any"]:
        return []
    alternatives, current = [], {}
    for word in words + ["|"]:
        if word == "|":
            alternatives.append(current)
            current = {}
        else:
            field, glob = word.split(":", 1)
            assert field in FIELDS and "[" not in glob
            current[field] = glob
    return alternatives


def matches(alternatives, event):
    if not alternatives:
        return True
    return any(all(fnmatch.fnmatchcase((event.get(f) or "").lower(), g.lower()) for f, g in alt.items())
               for alt in alternatives)


def parse_rules(text):
    rules = []
    for line_no, line in enumerate(text.splitlines()[1:], start=2):
        words = line.split("#", 1)[0].replace("|", " | ").split()
        if not words:
            continue
        key, rest = words[0], words[1:]
        if key == "end":  # the closing line of a version 2 file
            break
        if key == "activity":
            rules.append({"activity": rest[0], "line": line_no, "steps": [], "windows": [], "time": None})
        elif key == "step":
            within = None
            if len(rest) >= 2 and rest[-2] == "within":
                within, rest = span(rest[-1]), rest[:-2]
            rules[-1]["steps"].append((pattern(rest), within))
        elif key in ("seen", "quiet"):
            rules[-1]["windows"].append((key, rest[0], span(rest[1]), pattern(rest[2:])))
        elif key == "time":
            start, end = rest[0].split("-")
            to_minutes = lambda hhmm: int(hhmm[:2]) * 60 + int(hhmm[3:])
            rules[-1]["time"] = (to_minutes(start), to_minutes(end) % 1440)
        else:
            raise AssertionError("unknown keyword %r" % key)
    return rules


def utc_offset(zone):
    if zone == "UTC":
        return 0
    sign, hours, minutes = zone[0], int(zone[1:3]), int(zone[4:6])
    return (hours * 3600 + minutes * 60) * (1 if sign == "+" else -1)


def in_time(rule, t, offset):
    if rule["time"] is None:
        return True
    start, end = rule["time"]
    minute = int((int(t // 1) + offset) % 86400 // 60)
    return start <= minute < end if start < end else minute >= start or minute < end


def window_holds(window, events, i, start, end):
    """A window of the first step (before) or of the trigger (after), i its event."""
    kind, side, length, alternatives = window
    t = events[i]["time"]
    if side == "before":
        seen = any(matches(alternatives, e) and e["time"] >= t - length for e in events[:i])
        covered = t - length >= start
    else:
        seen = any(matches(alternatives, e) and e["time"] <= t + length for e in events[i + 1:])
        covered = t + length <= end
    return seen if kind == "seen" else not seen and covered


def chain_exists(rule, events, j, after, start, end):
    """Is there i1 < ... < in = j, all after index 'after', each step matching
    and within its span of the one before, with the windows before at i1?"""
    steps = rule["steps"]
    before = [w for w in rule["windows"] if w[1] == "before"]

    def reaches(k, i):  # can step k be matched by event i with a valid chain before it
        if not matches(steps[k][0], events[i]):
            return False
        if k == 0:
            return all(window_holds(w, events, i, start, end) for w in before)
        return any(reaches(k - 1, h) for h in range(after + 1, i)
                   if events[i]["time"] - events[h]["time"] <= steps[k][1])
    return reaches(len(steps) - 1, j)


def infer(rules, events, start, end, zone):
    """events: dicts with time (seconds) and the FIELDS, in timeline order.
    Returns the set of (index of trigger, activity)."""
    offset = utc_offset(zone)
    found = set()
    for rule in rules:
        after_windows = [w for w in rule["windows"] if w[1] == "after"]
        consumed = -1  # a completed sequence starts over after its trigger
        for j in range(len(events)):
            if not in_time(rule, events[j]["time"], offset) or not chain_exists(rule, events, j, consumed, start, end):
                continue
            consumed = j
            if all(window_holds(w, events, j, start, end) for w in after_windows):
                found.add((j, rule["activity"]))
    return found


def parse_timeline(stdout):
    """-z iotfp,timeline output: {"devices": {device: [row...]}, "activities": [row...], "header": str};
    device rows: frame, platform, model, event, actions (the action set, or None), privacy, activities (list);
    activity rows: activity, device, frame."""
    result = {"devices": {}, "activities": [], "header": ""}
    section = None
    for line in stdout.splitlines():
        if line.startswith("Activity rules:"):
            result["header"] = line
        heading = re.match(r"Device (\S+): (\d+) events?(, (\d+) commands? with an action set)?$", line)
        if heading:
            section = result["devices"].setdefault(heading.group(1), [])
            continue
        if line.startswith("Activities in time order"):
            section = result["activities"]
            continue
        words = line.split()
        if section is None or not re.match(r"\d{4}-\d\d-\d\d$", words[0] if words else ""):
            continue
        if section is result["activities"]:
            section.append({"activity": words[2], "device": words[3], "frame": int(words[4]), "event": words[5]})
        else:
            what = words[5:-2]  # "event", "event [a+b]" or "[a+b]"
            sets = [w[1:-1] for w in what if w.startswith("[")]
            events = [w for w in what if not w.startswith("[")]
            section.append({"time": words[0] + " " + words[1], "frame": int(words[2]), "platform": words[3],
                            "model": words[4], "event": events[0] if events else None,
                            "actions": sets[0] if sets else None, "privacy": words[-2],
                            "activities": [] if words[-1] == "-" else words[-1].split(",")})
    return result


EVENT_FIELDS = ["frame.number", "frame.time_epoch", "iotfp.device", "iotfp.burst", "iotfp.burst.start",
                "iotfp.device.model", "iotfp.event", "iotfp.event.privacy", "iotfp.activity"]


def capture_events(tshark, capture, options):
    """(events, rows, first and last packet times): the bursts named as events, by their first packet, in
    timeline order, each with the activities iotfp.activity shows there; rows: every packet's fields."""
    args = ["-r", capture, "-2", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-E", "separator=\t"]
    for field in EVENT_FIELDS:
        args += ["-e", field]
    rows = [dict(zip(EVENT_FIELDS, line.split("\t"))) for line in tshark.run(args + options).stdout.splitlines()]
    starts = [r for r in rows if r["iotfp.burst.start"] == r["frame.number"] and r["iotfp.event"] not in ("", "other")]
    starts.sort(key=lambda r: (float(r["frame.time_epoch"]), int(r["iotfp.burst"])))
    events = [{"time": float(r["frame.time_epoch"]), "frame": int(r["frame.number"]), "device": r["iotfp.device"],
               "model": r["iotfp.device.model"], "event": r["iotfp.event"], "privacy": r["iotfp.event.privacy"],
               "activities": {a for a in r["iotfp.activity"].split(",") if a}} for r in starts]
    times = [float(r["frame.time_epoch"]) for r in rows]
    return events, rows, min(times), max(times)


def check_activities(expect, label, rules_text, timeline, events, start, end, zone):
    """Expects the timeline's activities and iotfp.activity to be those the rules imply; returns those."""
    implied = {(events[i]["frame"], activity)
               for i, activity in infer(parse_rules(rules_text), events, start, end, zone)}
    reported = {(a["frame"], a["activity"]) for a in timeline["activities"]}
    on_packets = {(e["frame"], a) for e in events for a in e["activities"]}
    in_rows = {(r["frame"], a) for rows in timeline["devices"].values() for r in rows for a in r["activities"]}
    expect(reported == implied, "%s: timeline only %s, implied only %s"
           % (label, sorted(reported - implied), sorted(implied - reported)))
    expect(on_packets == implied, "%s: iotfp.activity only %s, implied only %s"
           % (label, sorted(on_packets - implied), sorted(implied - on_packets)))
    expect(in_rows == reported, "%s: the device rows and the activity list disagree" % label)
    return implied
