"""make deps with stand-ins for dpkg-query (every package missing), apt-get
and sudo on PATH: as root it runs apt-get itself, as another user through
sudo, and it names what it installs. The user case runs as nobody when the
test runs as root (CI), else as the user running it."""
import os
import pwd
import shutil
import subprocess
import sys
import tempfile

SOURCE = os.environ["IOTFP_SOURCE"]
PACKAGES = "iotfp-test-pkg-a iotfp-test-pkg-b"
STANDINS = {
    "dpkg-query": "#!/bin/sh\nexit 1\n",
    "apt-get": '#!/bin/sh\necho "apt-get uid=$(id -u) DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> "$STANDIN_LOG"\n',
    "sudo": '#!/bin/sh\necho "sudo $*" >> "$STANDIN_LOG"\nexec "$@"\n',
}


def run_deps(folder, as_nobody):
    log = os.path.join(folder, "log-%s" % ("nobody" if as_nobody else os.geteuid()))
    open(log, "w").close()
    os.chmod(log, 0o666)
    prefix = []
    if as_nobody:
        nobody = pwd.getpwnam("nobody")
        prefix = ["setpriv", "--reuid=nobody", "--regid=%d" % nobody.pw_gid, "--clear-groups"]
    env = {"PATH": folder + ":/usr/bin:/bin", "STANDIN_LOG": log, "HOME": folder}
    # A copy of the Makefile, which is all that deps reads: the clone may sit
    # where nobody cannot enter (a CI machine's /root).
    shutil.copy(os.path.join(SOURCE, "Makefile"), os.path.join(folder, "Makefile"))
    result = subprocess.run(prefix + ["make", "--no-print-directory", "-C", folder, "deps",
                                      "DEB_PACKAGES=" + PACKAGES],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    with open(log) as f:
        return result, f.read().splitlines()


def main():
    failures = []

    def expect(ok, message):
        if not ok:
            failures.append(message)
            print("FAIL: " + message)

    folder = tempfile.mkdtemp(prefix="iotfp-deps-")
    os.chmod(folder, 0o755)
    for name, text in STANDINS.items():
        path = os.path.join(folder, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)

    cases = [("root", False)] if os.geteuid() == 0 else []
    cases.append(("user", os.geteuid() == 0))
    for name, as_nobody in cases:
        result, log = run_deps(folder, as_nobody)
        print("== %s\n%s%s" % (name, result.stdout, "\n".join(log)))
        expect(result.returncode == 0, "%s: make deps exited %d" % (name, result.returncode))
        expect("installing" in result.stdout and PACKAGES in result.stdout,
               "%s: make deps did not say what it installs" % name)
        installs = [line for line in log if line.startswith("apt-get") and " install " in line]
        expect(len(installs) == 1 and installs[0].endswith(PACKAGES) and "DEBIAN_FRONTEND=noninteractive" in installs[0],
               "%s: apt-get install calls %s" % (name, installs))
        expect(any(line.startswith("apt-get") and line.endswith(" update -q") for line in log),
               "%s: no apt-get update" % name)
        used_sudo = [line for line in log if line.startswith("sudo ")]
        if name == "root":
            expect(not used_sudo, "root: sudo used: %s" % used_sudo)
            expect(all("uid=0 " in line for line in installs), "root: apt-get not run as root")
        else:
            expect(len(used_sudo) == 2, "user: sudo calls %s, want apt-get update and install" % used_sudo)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
