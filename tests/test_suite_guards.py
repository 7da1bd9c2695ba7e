"""The suite's own guards: what a test may not do fails it (see conftest.py)."""

from __future__ import annotations

import socket

import conftest
import pytest


def test_a_connection_beyond_loopback_is_refused_and_recorded() -> None:
    with socket.socket() as s, pytest.raises(ConnectionRefusedError, match=r"^tests may not connect beyond 127\.0\.0\.1 \(tried \('192\.0\.2\.1', 80\)\)"):
        s.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed
    assert conftest._outside == ["('192.0.2.1', 80)"]  # the autouse fixture would fail this test for it
    conftest._outside.clear()


def test_loopback_connections_pass() -> None:
    with socket.socket() as server, socket.socket() as client:
        server.bind(("127.0.0.1", 0))
        server.listen()
        client.connect(server.getsockname())
    assert conftest._outside == []

