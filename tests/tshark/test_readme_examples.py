"""Every command of the README's ```sh blocks but `make ...` runs as typed
after make demo: the demo is made first (make demo-run, with the freshly
built plugin), then each line runs by `sh` in a folder where build/demo is
the demo's output (the tests' tshark home) and PATH finds tshark (the tests' tshark) and the built
tools by name. A command that fails, or prints nothing, fails the test."""
import os
import re
import subprocess
import sys

import iotfp_tshark

SOURCE = os.environ["IOTFP_SOURCE"]
BUILD = os.environ["IOTFP_BUILD"]
TOOLS = ["iotfp-gen", "iotfp-learn", "iotfp-eval", "iotfp-sequences"]


def readme_commands():
    with open(os.path.join(SOURCE, "README.md")) as f:
        text = f.read()
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M):
        for line in block.splitlines():
            line = line.split("  #")[0].strip() if line.lstrip().startswith("make ") else line.strip()
            if line and not line.startswith("#") and not line.startswith("make "):
                commands.append(line)
    return commands


def main():
    failures = []
    tshark = iotfp_tshark.Tshark()
    tshark.install_bundled_data()
    work = tshark.home  # where the tests' tshark runs, so relative paths hold for it too
    demo_dir = os.path.join(work, "build", "demo")
    os.makedirs(demo_dir)
    os.chmod(os.path.dirname(demo_dir), 0o755)
    env = iotfp_tshark.environment_without_preload(IOTFP_TSHARK=tshark.wrapper_script())
    made = subprocess.run(["make", "--no-print-directory", "-C", SOURCE, "demo-run", "BUILD=" + BUILD,
                           "DEMO_DIR=" + demo_dir], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=1200)
    if made.returncode != 0:
        print(made.stdout[-4000:])
        sys.exit("FAIL: make demo-run exited %d" % made.returncode)
    bin_dir = os.path.join(work, "bin")
    os.makedirs(bin_dir)
    os.symlink(tshark.wrapper_script(), os.path.join(bin_dir, "tshark"))
    for tool in TOOLS:
        os.symlink(os.path.join(BUILD, "plugin", "tools", tool), os.path.join(bin_dir, tool))
    env["PATH"] = bin_dir + ":" + os.environ.get("PATH", "/usr/bin:/bin")
    commands = readme_commands()
    if not commands:
        sys.exit("FAIL: no command found in the README's sh blocks")
    for command in commands:
        result = subprocess.run(["sh", "-c", command], cwd=work, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=600)
        print("$ %s\n%s" % (command, "\n".join(result.stdout.splitlines()[-8:])))
        if result.returncode != 0 or not result.stdout.strip():
            failures.append(command)
            print("FAIL: exit %d%s" % (result.returncode, "" if result.stdout.strip() else ", no output"))
    print("%d README commands, %d failures" % (len(commands), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
