"""Sign-in brute force against a live `omni-privacy serve` on loopback (issue 15 §1): the probe
the issue was filed with, rerun. A fresh demo database in a temporary directory; wrong
passwords for one account until the server refuses, then the right one; then wrong passwords
for many accounts from one address. Prints what it saw; loopback only, nothing kept.

    .venv/bin/python bench/probe_signin.py
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

BIN = Path(sys.executable).parent / "omni-privacy"
DEMO_PASSWORD = "omni-demo-passphrase"  # published in the README: demo runs only
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Browser:
    """One visitor: its own cookies, a fresh form for every attempt, as a person would."""

    def __init__(self, base: str, address: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )
        # Behind the trusted proxy (OMNI_TRUSTED_PROXIES=127.0.0.1): the visitor's address.
        self.opener.addheaders = [("X-Forwarded-For", address)]

    def sign_in(self, username: str, password: str) -> tuple[int, str]:
        with self.opener.open(self.base + "/console/login/") as page:
            fields = dict(HIDDEN.findall(page.read().decode()))
        data = urllib.parse.urlencode(
            {**fields, "username": username, "password": password}
        ).encode()
        try:
            with self.opener.open(self.base + "/console/login/", data) as answer:
                return answer.status, answer.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _signed_in(status: int, location: str) -> bool:
    return status == 302 and "/login" not in location


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=40, help="wrong passwords to try")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="omni-probe-signin-"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNI_")}
    env |= {"OMNI_VAR_DIR": str(work), "OMNI_DEMO": "1", "LANG": "en_CA.UTF-8",
            "OMNI_TRUSTED_PROXIES": "127.0.0.1"}  # fmt: skip
    for setup in (
        ["migrate", "--no-input", "-v", "0"],
        ["bootstrap", "--demo", "--port", str(port)],
    ):
        subprocess.run([BIN, *setup], env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [BIN, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        visitor = Browser(base, "192.0.2.10")
        started = time.monotonic()
        refused_at = None
        for attempt in range(1, args.attempts + 1):
            status, _location = visitor.sign_in("officer", "not-the-password")
            if status == 429 and refused_at is None:
                refused_at = attempt
        seconds = time.monotonic() - started
        right = visitor.sign_in("officer", DEMO_PASSWORD)
        print(
            f"one account: {args.attempts} wrong passwords in {seconds:.1f} s; the server "
            f"refused from attempt {refused_at}; then the right password: "
            f"{'signed in (LEAK)' if _signed_in(*right) else f'refused ({right[0]})'}"
        )
        other = Browser(base, "192.0.2.20")
        refused_at = None
        for attempt in range(1, args.attempts + 1):
            status, _location = other.sign_in(f"nobody-{attempt}", "not-the-password")
            if status == 429 and refused_at is None:
                refused_at = attempt
        right = other.sign_in("qalead", DEMO_PASSWORD)
        print(
            f"one address, {args.attempts} accounts: refused from attempt {refused_at}; then "
            f"another account's right password from the same address: "
            f"{'signed in (LEAK)' if _signed_in(*right) else f'refused ({right[0]})'}"
        )
        elsewhere = Browser(base, "192.0.2.30").sign_in("qalead", DEMO_PASSWORD)
        locked = Browser(base, "192.0.2.30").sign_in("officer", DEMO_PASSWORD)
        print(
            "from a third address: qalead "
            f"{'signs in' if _signed_in(*elsewhere) else f'refused ({elsewhere[0]})'}, the "
            "locked officer account "
            f"{'signs in (LEAK)' if _signed_in(*locked) else f'refused ({locked[0]})'}"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
