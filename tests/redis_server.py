"""A real redis-server for the tests: a free loopback port, a temporary folder, stopped afterwards."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """One redis-server process in ``folder`` (``persist``: an append-only file there, kept across restarts)."""

    def __init__(self, folder: Path, persist: bool = False, password: str | None = None) -> None:
        self.folder = folder
        self.persist = persist
        self.password = password
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:PORT`` (with the password, if any)."""
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}"

    def start(self) -> RedisServer:
        """Start the server and wait until it answers."""
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
                "--save", "", "--appendonly", "yes" if self.persist else "no", "--daemonize", "no"]
        if self.persist:
            args += ["--appendfsync", "always"]
        if self.password:
            args += ["--requirepass", self.password]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = redis.Redis(port=self.port, password=self.password, socket_connect_timeout=0.2)
        for _ in range(200):
            try:
                probe.ping()
                return self
            except redis.ConnectionError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"redis-server exited at start ({self.process.returncode})") from None
                time.sleep(0.02)
            finally:
                probe.close()
        raise RuntimeError("redis-server did not answer within 4 s")

    def stop(self) -> None:
        """Stop the server (and wait for it)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def client(self) -> redis.Redis:
        """A client of this server that decodes replies to text."""
        return redis.Redis(port=self.port, password=self.password, decode_responses=True)
