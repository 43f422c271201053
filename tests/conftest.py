"""Test setup: every test runs headless, whatever the developer's shell says; a real redis-server on demand."""

import os
import tempfile

import pytest
from redis_server import RedisServer

# Set before anything imports pygame, so no window or sound device is opened.
os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# High scores and other saved data go to a throwaway folder, never the developer's own.
os.environ["WANTED_DATA_DIR"] = tempfile.mkdtemp(prefix="wanted-data-")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A real redis-server on a free loopback port, in a temporary folder, for the whole session."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_db(redis_server):
    """The session's server, emptied before the test."""
    connection = redis_server.client()
    connection.flushall()
    yield redis_server
    connection.close()
