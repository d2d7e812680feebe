"""`manage.py check --deploy` passes in the production configuration (issue 15 §4), and the
TLS settings follow OMNI_BEHIND_TLS. Each configuration is a fresh interpreter: settings are
read once, from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PRODUCTION = {
    "OMNI_DEBUG": "0",
    "OMNI_BEHIND_TLS": "1",
    "OMNI_TRUSTED_PROXIES": "127.0.0.1",
    "OMNI_SECRET_KEY": "a-production-key-of-sixty-characters-or-more-0123456789-abcdefgh",
    "OMNI_ALLOWED_HOSTS": "privacy.example.com",
    "DJANGO_SETTINGS_MODULE": "omni_privacy.settings",
}
SHOWN = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
)


def _run(args: list[str], env: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OMNI_")}
    clean |= {"OMNI_VAR_DIR": str(tmp_path)} | env
    return subprocess.run(
        [sys.executable, *args], env=clean, capture_output=True, text=True, check=False
    )


def _settings(env: dict[str, str], tmp_path) -> dict[str, object]:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {SHOWN!r}}}))"
    )
    done = _run(["-c", code], env, tmp_path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_check_deploy_passes_in_the_production_configuration(tmp_path):
    done = _run(
        ["-m", "django", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path
    )
    assert (done.returncode, done.stdout.strip()) == (
        0,
        "System check identified no issues (1 silenced).",
    ), done.stderr


def test_behind_tls_turns_on_redirect_hsts_and_the_trusted_proxy_header(tmp_path):
    assert _settings(PRODUCTION, tmp_path) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_no_proxy_header_without_a_trusted_proxy_and_nothing_without_tls(tmp_path):
    direct = PRODUCTION | {"OMNI_TRUSTED_PROXIES": ""}
    assert _settings(direct, tmp_path)["SECURE_PROXY_SSL_HEADER"] is None
    plain = PRODUCTION | {"OMNI_BEHIND_TLS": "0"}
    assert _settings(plain, tmp_path) == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": None,
    }
    debug = PRODUCTION | {"OMNI_DEBUG": "1"}
    assert _settings(debug, tmp_path)["SECURE_SSL_REDIRECT"] is False
