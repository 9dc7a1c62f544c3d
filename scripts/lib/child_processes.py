"""Child processes for the measurement scripts (scripts/bench-sessions.py, scripts/soak): each
logs to a file and is stopped when the script ends, however it ends. Standard library only."""
import ctypes
import os
import resource
import signal
import socket
import subprocess
import sys

HOST = "127.0.0.1"


class ToolError(Exception):
    """The run cannot go on (a child died, a wait timed out, a check failed): the message says
    what. Each script's own error derives from it."""


def raise_fd_limit():
    """Lifts the soft fd limit to the hard one; returns it."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def _child_setup():
    # Each end holds one socket per session: the hard fd limit, and the kernel ends the child
    # if the script dies without its finally blocks running (children are spawned from the
    # main thread only, the thread PR_SET_PDEATHSIG watches).
    raise_fd_limit()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass


class Process:
    """A child process whose output goes to a log file; every instance is stopped at exit."""

    running = []

    def __init__(self, name, argv, log_path):
        self.name, self.log_path = name, log_path
        with open(log_path, "ab") as log:
            self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                          preexec_fn=_child_setup)
        self.pid = self.popen.pid
        Process.running.append(self)

    def alive(self):
        return self.popen.poll() is None

    def check_alive(self):
        if not self.alive():
            raise ToolError(f"{self.name} exited with {self.popen.returncode}; log tail:\n{self.log_tail()}")

    def log_tail(self, lines=15):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def signal(self, sig):
        if self.alive():
            os.kill(self.pid, sig)

    def kill(self):
        """SIGKILL and reap, so that the ports are free once it returns."""
        self.signal(signal.SIGKILL)
        self.popen.wait(10)
        self._forget()

    def stop(self, grace=20):
        """SIGTERM (after SIGCONT, in case it is stopped), `grace` seconds to exit, then SIGKILL;
        returns the exit code."""
        if self.alive():
            self.signal(signal.SIGCONT)
            self.signal(signal.SIGTERM)
            try:
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                print(f"warning: {self.name} ignored SIGTERM for {grace}s; killing it", file=sys.stderr)
                self.popen.kill()
                self.popen.wait(10)
        self._forget()
        return self.popen.returncode

    def _forget(self):
        if self in Process.running:
            Process.running.remove(self)

    @classmethod
    def stop_all(cls):
        for process in reversed(list(cls.running)):
            try:
                process.stop()
            except Exception as error:  # keep stopping the others
                print(f"warning: stopping {process.name}: {error}", file=sys.stderr)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]
