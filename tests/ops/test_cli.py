"""The `omni-privacy` script itself: its command list, its version, a reader that goes away."""

from __future__ import annotations

import os
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


def test_a_listing_read_from_the_database_piped_into_head_ends_quietly(tmp_path: Path) -> None:
    """A plan still streaming rows when `head` leaves: no "Exception ignored in cursor_iter"
    from a cursor closed at shutdown, and a refusal said without the "CommandError:" prefix."""
    env = {**os.environ, "OMNI_VAR_DIR": str(tmp_path), "LANG": "en_CA.UTF-8", "LANGUAGE": ""}
    for args in (["migrate", "--no-input", "-v", "0"], ["demo", "--people", "300"]):
        subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, check=True)
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
