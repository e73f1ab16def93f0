"""Work a parallel test run's controller does in the background for its workers (pytest-xdist).

The controller collects no tests and mostly waits; what every worker would
otherwise do for itself (migrate a database, start the live app) it does once,
in a thread, while the workers start. Workers are other processes: they learn
the outcome from a state file, ``ready <value>`` or ``failed <why>``.
"""

import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Stopped(Exception):
    """The work was called off before it was done (the run ended first)."""


def run(args, env, log, stop):
    """``args`` in the project's directory, its output to ``log``; ``stop`` (an Event) calls it off."""
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    while process.poll() is None:
        if stop.wait(0.5):
            process.terminate()
            process.wait(timeout=20)
            raise Stopped(" ".join(args))
    if process.returncode:
        log.flush()
        raise RuntimeError(f"{' '.join(args)} failed:\n{Path(log.name).read_text()[-4000:]}")


class InBackground:
    """``work(stop)``, a context manager, entered in a thread and left when ``stop()`` is called.

    What it yields is written to the state file as ``ready <value>``.
    """

    def __init__(self, name, work):
        self.name = name
        self.state = Path(tempfile.mkdtemp(prefix=f"panlong-{name.replace(' ', '-')}-")) / "state"
        self._work = work
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self):
        try:
            with self._work(self._stop) as value:
                self._say(f"ready {value}")
                self._stop.wait()
        except Stopped:
            pass
        except Exception as error:  # whatever it was, the workers must hear of it
            self._say(f"failed {error}")

    def _say(self, text):
        # Written aside and renamed into place, so that a worker never reads half of it.
        draft = self.state.with_suffix(".draft")
        draft.write_text(text)
        draft.replace(self.state)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=60)
        shutil.rmtree(self.state.parent, ignore_errors=True)


def wait_for(state, what, stop=None, seconds=1800):
    """The value an ``InBackground`` (here or in another process) yielded, once it has."""
    deadline = time.monotonic() + seconds
    state = Path(state)
    stop = stop or threading.Event()
    while time.monotonic() < deadline:
        if state.exists():
            said = state.read_text()
            if said.startswith("ready "):
                return said.removeprefix("ready ")
            raise RuntimeError(f"{what} failed: {said.removeprefix('failed ')}")
        if stop.wait(0.5):
            raise Stopped(what)
    raise RuntimeError(f"{what} was not ready after {seconds} s")
