"""Trusted proxies (issue 16, point 5.1): the client address of the login throttle.

``X-Forwarded-For`` is believed only when the TCP peer is one of ``WEERBAAR_TRUSTED_PROXIES``
(none by default), and then only its right-most address that is not a trusted proxy; from any
other peer it is ignored. So a client cannot escape the per-client lock-out by sending a new
address with every guess, nor lock somebody else out by sending theirs. ``weerbaar serve``
starts uvicorn without its own proxy-header handling (which by default believes any client on
127.0.0.1): checked on the real server too.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from weerbaar.errors import InvalidInput
from weerbaar.store import Store, logins, open_store
from weerbaar.web import WebSettings, create_app, server
from weerbaar.web.settings import parse_networks

from .support import PASSWORDS
from .test_browser import free_port

API = "/api/v1"
WRONG = "wrong-password-here"
PROXY = "10.0.0.1"
LIMITS = {"login_max_failures": 50, "login_max_failures_client": 4}


def login(client: TestClient, name: str, password: str, forwarded: str | None = None) -> Any:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return client.post(f"{API}/login", json={"username": name, "password": password},
                       headers=headers)


def clients_of(store: Store) -> list[str]:
    """The client address of every recorded login attempt, oldest first."""
    return [client for _, _, client, _ in logins.attempts(store)]


@pytest.fixture
def site(store: Store) -> Iterator[Callable[..., TestClient]]:
    """``site(address, **settings)``: a client connecting from ``address`` to an app with
    these settings (small client limit)."""
    made: list[TestClient] = []

    def make(address: str, **settings: Any) -> TestClient:
        app = create_app(store, WebSettings(**{**LIMITS, **settings}))
        client = TestClient(app, client=(address, 40000))
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


# --- without trusted proxies (the default) --------------------------------------------------------


def test_the_header_is_ignored_by_default(site: Callable[..., TestClient],
                                          store: Store) -> None:
    client = site("192.0.2.10")
    login(client, "ann", WRONG, forwarded="203.0.113.99")
    login(client, "ann", WRONG, forwarded="203.0.113.98, 198.51.100.1")
    assert clients_of(store) == ["192.0.2.10", "192.0.2.10"]


def test_a_spoofed_header_does_not_escape_the_client_lock_out(
        site: Callable[..., TestClient], store: Store) -> None:
    guesser = site("192.0.2.20")
    for n, name in enumerate(["ann", "cora", "eva", "ed"]):
        assert login(guesser, name, WRONG, forwarded=f"203.0.113.{n}").status_code == 401
    # a new address in the header with every attempt changes nothing: locked out
    assert login(guesser, "vic", PASSWORDS["vic"], forwarded="203.0.113.77").status_code == 401
    assert set(clients_of(store)) == {"192.0.2.20"}


def test_a_spoofed_header_does_not_lock_out_someone_else(
        site: Callable[..., TestClient]) -> None:
    attacker, victim = site("192.0.2.30"), site("192.0.2.31")
    for _ in range(6):
        login(attacker, "nobody-at-all", WRONG, forwarded="192.0.2.31")
    assert login(attacker, "vic", PASSWORDS["vic"]).status_code == 401  # the attacker is locked
    assert login(victim, "vic", PASSWORDS["vic"]).status_code == 200  # the victim is not


def test_an_untrusted_peer_is_ignored_when_proxies_are_configured(
        site: Callable[..., TestClient], store: Store) -> None:
    client = site("192.0.2.40", trusted_proxies=[PROXY, "10.0.1.0/24"])
    login(client, "ann", WRONG, forwarded="203.0.113.5")
    assert clients_of(store) == ["192.0.2.40"]


# --- behind a trusted proxy -----------------------------------------------------------------------


@pytest.mark.parametrize(("forwarded", "expected"), [
    (None, PROXY),  # no header: the proxy itself
    ("203.0.113.5", "203.0.113.5"),
    ("6.6.6.6, 203.0.113.5", "203.0.113.5"),  # left of the proxy's entry: the client's, ignored
    ("6.6.6.6, 203.0.113.5, 10.0.1.7", "203.0.113.5"),  # a second trusted proxy is passed over
    ("10.0.1.8, 10.0.1.7", "10.0.1.8"),  # all trusted: the left-most
    ("[2001:db8::5]:4711", "[2001:db8::5]:4711"),  # as written by the proxy
])
def test_a_trusted_proxy_passes_the_client_address_on(
        site: Callable[..., TestClient], store: Store, forwarded: str | None,
        expected: str) -> None:
    client = site(PROXY, trusted_proxies=f"{PROXY}, 10.0.1.0/24")
    login(client, "ann", WRONG, forwarded=forwarded)
    assert clients_of(store) == [expected]


def test_two_header_lines_are_one_list(site: Callable[..., TestClient], store: Store) -> None:
    client = site(PROXY, trusted_proxies=[PROXY])
    client.post(f"{API}/login", json={"username": "ann", "password": WRONG},
                headers=[("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-For", "203.0.113.9")])
    assert clients_of(store) == ["203.0.113.9"]


def test_behind_a_trusted_proxy_each_client_is_throttled_on_its_own(
        site: Callable[..., TestClient]) -> None:
    proxy = site("::ffff:10.0.0.1", trusted_proxies=[PROXY])  # an IPv4-mapped peer is IPv4
    for name in ("ann", "cora", "eva", "ed"):
        assert login(proxy, name, WRONG, forwarded="203.0.113.20").status_code == 401
    assert login(proxy, "vic", PASSWORDS["vic"], forwarded="203.0.113.20").status_code == 401
    # another client behind the same proxy is not locked out
    assert login(proxy, "vic", PASSWORDS["vic"], forwarded="203.0.113.21").status_code == 200


# --- the setting ------------------------------------------------------------------------------


def test_the_setting_from_the_environment() -> None:
    settings = WebSettings.from_env({"WEERBAAR_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16 ::1"})
    assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.1/32", "192.168.0.0/16",
                                                           "::1/128"]
    assert settings.trusts("192.168.7.7") and settings.trusts("::1")
    assert not settings.trusts("10.0.0.2") and not settings.trusts("testclient")
    assert WebSettings().trusted_proxies == () and not WebSettings().trusts("127.0.0.1")
    assert parse_networks("") == () and parse_networks(None) == ()
    with pytest.raises(InvalidInput) as caught:
        WebSettings.from_env({"WEERBAAR_TRUSTED_PROXIES": "10.0.0.1, proxy.example"})
    assert caught.value.location == ["WEERBAAR_TRUSTED_PROXIES"]
    assert "'proxy.example' is not an IP address or network" in str(caught.value)


def test_serve_turns_off_uvicorns_own_proxy_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    server.run(object(), host="127.0.0.1", port=1)  # type: ignore[arg-type]
    assert seen["proxy_headers"] is False


# --- the real server ----------------------------------------------------------------------------


@contextlib.contextmanager
def serving(template_db: Path, folder: Path, env: dict[str, str]) -> Iterator[tuple[str, Path]]:
    """``weerbaar serve`` on loopback with these variables: its address and database."""
    import os

    db = folder / "web.sqlite"
    shutil.copyfile(template_db, db)
    port = free_port()
    log = (folder / "server.log").open("w")
    variables = {k: v for k, v in os.environ.items() if not k.startswith("WEERBAAR_")
                 and k != "FORWARDED_ALLOW_IPS"}
    proc = subprocess.Popen([sys.executable, "-m", "weerbaar.cli", "serve", "--db", str(db),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, cwd=folder,
                            env={**variables, **env})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server stopped: {(folder / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not start: {(folder / 'server.log').read_text()}")
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.2)
        yield base, db
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


def post_login(base: str, forwarded: str) -> int:
    request = urllib.request.Request(
        f"{base}{API}/login", data=b'{"username": "ann", "password": "wrong-password-here"}',
        headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded},
        method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def recorded(db: Path) -> list[str]:
    store = open_store(str(db))
    try:
        return clients_of(store)
    finally:
        store.dispose()


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "127.0.0.1"),  # uvicorn alone would have believed the header from 127.0.0.1
    ({"WEERBAAR_TRUSTED_PROXIES": "127.0.0.1"}, "203.0.113.50"),
], ids=["no-trusted-proxy", "loopback-trusted"])
def test_weerbaar_serve(template_db: Path, tmp_path: Path, env: dict[str, str],
                        expected: str) -> None:
    with serving(template_db, tmp_path, env) as (base, db):
        assert post_login(base, "203.0.113.50") == 401
    assert recorded(db) == [expected]
