"""Runs tshark with the freshly built iotfp plugin: Wireshark's own global
plugins plus this build's iotfp.so, from a plugin folder (WIRESHARK_PLUGIN_DIR)
in a throwaway HOME with a clean configuration. As root, tshark ignores that
variable and loads no personal plugins, so it runs as the unprivileged user
'nobody' (setpriv). Every run first proves that the plugin it loaded is this
build, and fails otherwise.

Environment (set by CTest): IOTFP_PLUGIN, the built iotfp.so;
IOTFP_GLOBAL_PLUGIN_DIR, Wireshark's global plugin folder; IOTFP_GEN, the
capture generator; IOTFP_SHARED_DATA, the real captures (may be absent)."""
import atexit
import csv
import os
import pwd
import shlex
import shutil
import subprocess
import sys
import tempfile

PLUGIN_PATH_ID = "4.0"
SKIP = 77  # CTest's SKIP_RETURN_CODE for these tests
TSHARK_TIMEOUT_S = 600  # far above any run here; a hang must fail, not stall CI


class Tshark:
    def __init__(self):
        self.plugin = os.environ["IOTFP_PLUGIN"]
        self.home = tempfile.mkdtemp(prefix="iotfp-test-")
        atexit.register(shutil.rmtree, self.home, True)
        plugins = os.path.join(self.home, "plugins")
        self._mirror_global_plugins(plugins)
        self.loaded_from = os.path.join(plugins, PLUGIN_PATH_ID, "epan", "iotfp.so")
        shutil.copy(self.plugin, self.loaded_from)
        self.prefix = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            for root, dirs, files in os.walk(self.home):
                for name in dirs + files + [""]:
                    os.chown(os.path.join(root, name), nobody.pw_uid, nobody.pw_gid)
            self.prefix = ["setpriv", "--reuid=nobody", "--regid=%d" % nobody.pw_gid, "--clear-groups"]
        # Wireshark's plugins come from the mirror: an iotfp.so installed in the
        # global folder (make demo as root) would otherwise load beside the
        # build, and Wireshark refuses a protocol registered twice.
        # Own XDG data folders: signatures installed on this machine must not
        # leak into the tests.
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home,
                    "XDG_CONFIG_HOME": os.path.join(self.home, ".config"),
                    "XDG_DATA_HOME": os.path.join(self.home, ".local/share"),
                    "XDG_DATA_DIRS": os.path.join(self.home, "system-share"), "TZ": "UTC", "LANG": "C.UTF-8",
                    # No extcap helpers: tshark -G plugins starts them, and some
                    # (androiddump) hang when a sanitizer runtime is preloaded.
                    "WIRESHARK_EXTCAP_DIR": self.private_dir("no-extcap"),
                    "WIRESHARK_PLUGIN_DIR": plugins}
        for passthrough in ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS"):
            if passthrough in os.environ:
                self.env[passthrough] = os.environ[passthrough]
        self._check_loaded()

    @staticmethod
    def _mirror_global_plugins(plugins):
        """Links to every global plugin but an installed iotfp.so."""
        global_dir = os.environ.get("IOTFP_GLOBAL_PLUGIN_DIR", "")
        for kind in ("epan", "wiretap", "codecs"):
            os.makedirs(os.path.join(plugins, PLUGIN_PATH_ID, kind))
            folder = os.path.join(global_dir, kind)
            for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
                if name != "iotfp.so":
                    os.symlink(os.path.join(folder, name), os.path.join(plugins, PLUGIN_PATH_ID, kind, name))

    def _check_loaded(self):
        out = self.run(["-G", "plugins"], check_plugin=False).stdout
        paths = [line.split("\t")[-1].strip() for line in out.splitlines() if line.startswith("iotfp.so")]
        if paths != [self.loaded_from]:
            sys.exit("FAIL: tshark did not load the built plugin from %s; it loaded %s"
                     % (self.loaded_from, paths or "no iotfp plugin"))

    def readable_copy(self, path):
        """A copy the unprivileged tshark can read, wherever the source lies."""
        dest = os.path.join(self.home, "captures", os.path.basename(path))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy(path, dest)
        os.chmod(dest, 0o644)
        return dest

    def private_dir(self, name):
        """A folder in the throwaway HOME that the unprivileged tshark can read."""
        path = os.path.join(self.home, name)
        os.makedirs(path, exist_ok=True)
        os.chmod(path, 0o755)
        return path

    def install_data(self, paths):
        """Copies knowledge files (signatures, rules) to where `make install` puts them for a user,
        iotfp/signatures under XDG_DATA_HOME; returns that folder."""
        folder = self.private_dir(".local/share/iotfp/signatures")
        for parent in (".local", ".local/share", ".local/share/iotfp"):
            os.chmod(os.path.join(self.home, parent), 0o755)
        for path in paths:
            shutil.copy(path, folder)
            os.chmod(os.path.join(folder, os.path.basename(path)), 0o644)
        return folder

    def run(self, args, check=True, check_plugin=True, extra_env=None, timeout=TSHARK_TIMEOUT_S):
        """extra_env: variables added to tshark's environment for this run only."""
        try:
            proc = subprocess.run(self.prefix + ["tshark"] + args, env=dict(self.env, **(extra_env or {})),
                                  capture_output=True, text=True, cwd=self.home, timeout=timeout)
        except subprocess.TimeoutExpired:
            sys.exit("FAIL: tshark %s did not finish in %d s" % (" ".join(args), timeout))
        if check and proc.returncode != 0:
            sys.exit("FAIL: tshark %s exited %d:\n%s" % (" ".join(args), proc.returncode, proc.stderr))
        return proc

    def wrapper_script(self):
        """Writes HOME/tshark, a script that runs tshark exactly as run() does (same user, HOME,
        environment and folder), and returns its path: for programs that drive tshark themselves,
        such as iotfp-learn and iotfp-eval (--tshark PROGRAM or IOTFP_TSHARK). Files it is given
        must be readable by that user: absolute paths under private_dir(), for instance."""
        path = os.path.join(self.home, "tshark")
        assignments = " ".join(shlex.quote("%s=%s" % item) for item in sorted(self.env.items()))
        command = " ".join(shlex.quote(word) for word in self.prefix + ["tshark"])
        with open(path, "w") as f:
            f.write("#!/bin/sh\n# tshark with the iotfp plugin under test (written by iotfp_tshark.py)\n")
            f.write("cd %s || exit 2\n" % shlex.quote(self.home))
            f.write('exec env -i %s %s "$@"\n' % (assignments, command))
        os.chmod(path, 0o755)
        return path

    def write_text(self, folder, name, text):
        """Writes private_dir(folder)/name, readable by the unprivileged tshark; returns its path."""
        path = os.path.join(self.private_dir(folder), name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o644)
        return path

    def install_bundled_data(self):
        """The bundled data files (signatures, platform and activity rules, device-type model), where an installed plugin finds them
        (XDG_DATA_HOME/iotfp/signatures, as `make install` puts them): the test home
        starts empty, so that nothing installed on the machine leaks in."""
        source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "signatures")
        folder = self.private_dir(".local/share/iotfp/signatures")
        for parent in (".local", ".local/share", ".local/share/iotfp"):
            os.chmod(os.path.join(self.home, parent), 0o755)
        for name in sorted(os.listdir(source)):
            if name.endswith(".sig") or name in ("platforms.rules", "activities.rules", "device-types.model"):
                shutil.copy(os.path.join(source, name), os.path.join(folder, name))
                os.chmod(os.path.join(folder, name), 0o644)
        return folder

    def fields(self, capture, fields, extra=(), two_pass=True):
        """Rows of -T fields output, each a dict field -> value ('' when absent)."""
        args = ["-r", self.readable_copy(capture), "-T", "fields", "-E", "occurrence=l", "-E", "separator=\t"]
        if two_pass:
            args.append("-2")
        for field in fields:
            args += ["-e", field]
        proc = self.run(args + list(extra))
        return [dict(zip(fields, line.split("\t"))) for line in proc.stdout.splitlines()]

    def expert_summaries(self, capture, extra=(), two_pass=True):
        """{summary: frequency} of one protocol's lines in tshark -q -z expert, which builds no
        protocol tree (neither does the GUI's Expert Information dialog)."""
        args = ["-r", self.readable_copy(capture), "-q", "-z", "expert"] + (["-2"] if two_pass else [])
        proc = self.run(args + list(extra))
        summaries = {}
        for line in proc.stdout.splitlines():
            # "%12d %10s %18s  %s": frequency, group, protocol, summary
            if len(line) > 44 and line[:12].strip().isdigit() and line[24:42].strip() == "IoTFP":
                summaries[line[44:]] = summaries.get(line[44:], 0) + int(line[:12])
        return summaries


def environment_without_preload(**extra):
    """The tests' environment for programs that are not the plugin: Wireshark's
    helper programs (editcap, mergecap...) and make. Never with the sanitizer
    runtimes of a sanitize build preloaded: they are not what is tested, and
    with them some hang at exit (editcap, mergecap: glibc's locale lock in
    p11-kit's destructor; androiddump). The tests' tshark (wrapper_script)
    preloads them itself; the project's own tools are linked with them."""
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    env.update(extra)
    return env


def run_tool(args, timeout=120):
    """Runs one of Wireshark's helper programs (editcap...), without the sanitizer runtimes."""
    try:
        return subprocess.run(args, check=True, capture_output=True, env=environment_without_preload(),
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        sys.exit("FAIL: %s did not finish in %d s" % (" ".join(args), timeout))


class Checks:
    """Failed expectations, reported together at the end of a test."""

    def __init__(self):
        self.failures = []

    def expect(self, condition, message):
        if not condition:
            self.failures.append(message)

    def finish(self):
        if self.failures:
            sys.exit("FAIL: " + "; ".join(self.failures))
        print("PASS")


def run_program(command, env):
    """Runs one of the project's tools (iotfp-learn, iotfp-eval...); its stdout, or exit as a failure."""
    proc = subprocess.run(command, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("FAIL: %s exited %d:\n%s%s" % (command[0], proc.returncode, proc.stdout, proc.stderr))
    return proc.stdout


def eval_result(stdout):
    """The figures of iotfp-eval's last line, RESULT device=all labelled=N ..., as strings."""
    last = stdout.rstrip().splitlines()[-1]
    if not last.startswith("RESULT device=all "):
        sys.exit("FAIL: iotfp-eval's last line is not its RESULT line: %s" % last)
    return dict(item.split("=", 1) for item in last.split()[1:])


def generate(scenario, workdir, seed=1):
    """Runs iotfp-gen; returns (pcap, truth rows, labels rows)."""
    base = os.path.join(workdir, "%s-%d" % (scenario, seed))
    subprocess.run([os.environ["IOTFP_GEN"], "--scenario", scenario, "--seed", str(seed), "--pcap",
                    base + ".pcap", "--truth", base + ".truth.csv", "--labels", base + ".labels.csv"],
                   check=True)
    with open(base + ".truth.csv") as f:
        truth = list(csv.DictReader(f))
    with open(base + ".labels.csv") as f:
        labels = list(csv.DictReader(f))
    return base + ".pcap", truth, labels


def tool(name):
    """Path of a command-line tool built beside iotfp-gen (iotfp-learn, iotfp-eval)."""
    path = os.path.join(os.path.dirname(os.environ["IOTFP_GEN"]), name)
    if not os.access(path, os.X_OK):
        sys.exit("FAIL: %s is not built (expected at %s)" % (name, path))
    return path


def shared_data(*parts):
    """Path under the shared real-data folder, or exit as skipped with a message."""
    root = os.environ.get("IOTFP_SHARED_DATA", "")
    path = os.path.join(root, *parts)
    if not root or not os.path.exists(path):
        print("SKIP: real captures not found at %s (the shared data folder sits beside the repository)" % path)
        sys.exit(SKIP)
    return path


def main(argv):
    """python3 iotfp_tshark.py with-wrapper -- COMMAND [ARG...]
    Runs COMMAND with IOTFP_TSHARK naming a wrapper that runs tshark with the plugin IOTFP_PLUGIN
    names, as the tests run it (`make signatures` learns this way); returns COMMAND's status."""
    if len(argv) < 3 or argv[0] != "with-wrapper" or argv[1] != "--":
        sys.exit("usage: IOTFP_PLUGIN=iotfp.so %s with-wrapper -- COMMAND [ARG...]" % sys.argv[0])
    wrapper = Tshark().wrapper_script()
    return subprocess.run(argv[2:], env=dict(os.environ, IOTFP_TSHARK=wrapper)).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
