"""The `omni-privacy` script itself: its command list, its version, a reader that goes away."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from omni_privacy.cli import main
from omni_privacy.ops import catalogue

SCRIPT = Path(sys.executable).with_name("omni-privacy")


def test_docs_cli_md_carries_the_table_the_parsers_give() -> None:
    page = catalogue.DOC.read_text(encoding="utf-8")
    assert catalogue.page_with_table(page) == page, "run `make cli-docs`"


def test_the_help_messages_module_is_generated_from_the_parsers() -> None:
    """`omni-privacy --help` translates each command's help; the msgids come from there."""
    from omni_privacy.ops.help_messages import HELP

    helps = list(dict.fromkeys(entry.help for entry in catalogue.entries()))
    assert list(HELP) == helps, "run `make cli-docs`"


def test_help_speaks_french_under_a_french_locale() -> None:
    env = {**os.environ, "LANG": "fr_CA.UTF-8", "LANGUAGE": "", "LC_ALL": ""}
    done = subprocess.run(
        [str(SCRIPT), "--help"], env=env, capture_output=True, text=True, check=True
    )
    lines = done.stdout.splitlines()
    assert lines[0] == "usage\u00a0: omni-privacy COMMANDE [options]"
    assert "  retention run" in done.stdout
    assert "supprime ou anonymise tout ce qui est échu (le balayage)" in done.stdout


def test_the_table_lists_every_command_and_action_once() -> None:
    usages = [entry.usage for entry in catalogue.entries()]
    assert len(usages) == len(set(usages))
    assert {"migrate", "import", "dsr show", "retention plan", "api-token create"} <= set(usages)
    assert all(entry.help for entry in catalogue.entries())


def test_help_is_the_generated_list(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGUAGE", "en")
    main(["--help"])
    printed = capsys.readouterr().out
    assert printed == catalogue.usage() + "\n"
    assert "  dsr show                  one request and its history\n" in printed


def test_version_is_omni_privacys_not_djangos(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--version"])
    assert capsys.readouterr().out == f"omni-privacy {version('omni-privacy')}\n"


# A command whose output fills the pipe many times over, so the reader leaves mid-way.
LONG_OUTPUT = (
    "import omni_privacy.cli as cli; "
    "cli._run = lambda args: [print(f'line {n}') for n in range(200_000)]; "
    "cli.main([])"
)


def _piped(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S602 (a real pipe into head is what is tested)
        f"{command} | head -n 1; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        check=False,
    )


def test_output_piped_into_head_ends_quietly() -> None:
    """No BrokenPipeError traceback when the reader stops after one line; status 0."""
    piped = _piped(f'"{sys.executable}" -c "{LONG_OUTPUT}"')
    assert (piped.returncode, piped.stdout, piped.stderr) == (0, "line 0\n", "")


def test_help_piped_into_head_ends_quietly() -> None:
    piped = _piped(f"LANGUAGE=en LANG=en_CA.UTF-8 '{SCRIPT}' --help")
    assert (piped.returncode, piped.stdout, piped.stderr) == (
        0,
        "usage: omni-privacy COMMAND [options]\n",
        "",
    )


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite installation with the demo data, for the script run as a person would."""
    var = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "OMNI_VAR_DIR": str(var), "LANG": "en_CA.UTF-8", "LANGUAGE": ""}
    env.pop("OMNI_DATABASE_URL", None)
    for args in (["migrate", "--no-input", "-v", "0"], ["demo", "--people", "300"]):
        subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, check=True)
    return env


def test_a_listing_read_from_the_database_piped_into_head_ends_quietly(
    demo_env: dict[str, str],
) -> None:
    """A plan still streaming rows when `head` leaves: no "Exception ignored in cursor_iter"
    from a cursor closed at shutdown, and a refusal said without the "CommandError:" prefix."""
    env = demo_env
    piped = subprocess.run(  # noqa: S602 (a real pipe into head is what is tested)
        f"'{SCRIPT}' retention plan --within all | head -n 1; exit ${{PIPESTATUS[0]}}",
        shell=True, executable="/bin/bash", capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert (piped.returncode, piped.stderr) == (0, "")
    assert piped.stdout.split()[:3] == ["Due", "Deadline", "Status"]
    refused = subprocess.run(
        [str(SCRIPT), "dsr", "show", "no-such-request"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert refused.returncode == 1
    assert refused.stderr == "no rights request with that reference\n"


# Codes a table once printed as they are stored; each has words in the reader's language.
CODES = {
    *("scheduled", "overdue", "delete", "anonymize", "software_profile", "customer_service"),
    *("sales", "sweep", "finished", "published", "notice_change", "sent", "ok", "stale"),
}


@pytest.mark.parametrize("language", ["fr_CA.UTF-8", "en_CA.UTF-8"])
def test_the_tables_say_words_not_codes(demo_env: dict[str, str], language: str) -> None:
    """Issue 13 point 6 / issue 14: what a person reads on the terminal is words; the codes
    stay in --json for scripts."""
    env = {**demo_env, "LANG": language}
    subprocess.run([str(SCRIPT), "retention", "run"], env=env, capture_output=True, check=True)
    for command in (["retention", "plan", "--within", "all"], ["retention", "runs"],
                    ["notices", "list"], ["mailings", "list"], ["sync", "check"],
                    ["retention", "check", "--as-of", "2030-01-01"], ["dsr", "list"]):  # fmt: skip
        done = subprocess.run(
            [str(SCRIPT), *command], env=env, capture_output=True, text=True, check=False
        )
        cells = {cell.strip() for line in done.stdout.splitlines()[1:] for cell in
                 re.split(r"\s{2,}", line)}  # fmt: skip
        assert not cells & CODES, (command, cells & CODES)
        assert done.stdout.splitlines(), command
