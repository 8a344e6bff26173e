"""Signals sent to faultline reach the guest, and the run ends with a
complete log: run by interrupt.sh as `python3 interrupt.py FAULTLINE`."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

FL = sys.argv[1]
failed = 0


def run(script, sigs, want_status, want_out="", want_err=None):
    """Run dash -c script (or a program, given as a list) under faultline,
    send sigs a second in (0.2 s apart), and check the status, the output,
    the summary and the log."""
    global failed
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "log")
        # A terminal leaves SIGINT at its default; a background job's
        # ignored SIGINT would stay ignored (as faultline keeps it).
        p = subprocess.Popen(
            [FL, "run", "--env-clear", "--summary", "--trace-format", "jsonl", "-o", log
            ] + (script if isinstance(script, list) else ["/bin/dash", "-c", script]),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        time.sleep(1.0)
        for s in sigs:
            p.send_signal(s)
            time.sleep(0.2)
        out, err = p.communicate(timeout=60)
        out, err = out.decode(), err.decode()
        problems = []
        if p.returncode != want_status:
            problems.append("status %d, want %d" % (p.returncode, want_status))
        if out != want_out:
            problems.append("stdout %r, want %r" % (out, want_out))
        if want_err and want_err not in err:
            problems.append("stderr lacks %r" % want_err)
        if "faultline summary" not in err:
            problems.append("no summary")
        text = open(log).read()
        if not text.endswith("\n"):
            problems.append("the log ends in the middle of a line")
        try:
            events = [json.loads(line) for line in text.splitlines()]
            if not events or events[-1]["seq"] != len(events):
                problems.append("the log's events are not all there")
        except ValueError as e:
            problems.append("the log is not valid JSON Lines: %s" % e)
        if problems:
            failed = 1
            print("FAIL %r with %s: %s" % (script, sigs, "; ".join(problems)))
            print("    stderr: " + err[:300].replace("\n", "\n    stderr: "))


# A loop with no system call dies of a signal it does not catch at once.
run(["build/testprogs/spin.glibc"], [signal.SIGINT], 130, want_err="killed by SIGINT")
run(["build/testprogs/spin.musl"], [signal.SIGTERM], 143, want_err="killed by SIGTERM")
# A caught signal reaches the guest at its next system call (here the
# redirection's open and close).
LOOP = "while :; do : >/dev/null; done"
run("trap 'echo got INT; exit 3' INT; " + LOOP, [signal.SIGINT], 3, "got INT\n")
run("trap 'echo got TERM; exit 4' TERM; " + LOOP, [signal.SIGTERM], 4, "got TERM\n")
run("trap 'echo got HUP; exit 5' HUP; " + LOOP, [signal.SIGHUP], 5, "got HUP\n")
# A loop with no system call in a process that catches the signal (dash
# does): the second SIGINT ends the run.
run("trap '' INT; while :; do :; done", [signal.SIGINT, signal.SIGINT], 130,
    want_err="faultline: interrupted")
run("while :; do :; done", [signal.SIGINT, signal.SIGINT], 130, want_err="faultline: interrupted")
if not failed:
    print("interrupt: every signal reached the guest, every log complete")
sys.exit(failed)
