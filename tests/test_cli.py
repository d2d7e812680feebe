from omni_privacy import cli


def test_help_lists_the_commands(capsys):
    cli.main(["--help"])
    out = capsys.readouterr().out
    for command in (
        "migrate",
        "serve",
        "worker",
        "policy",
        "retention plan",
        "people show",
        "import",
        "demo",
        "audit verify",
    ):
        assert command in out


def test_import_is_an_alias_of_the_import_jsonl_command():
    # `import` is a Python keyword and `api-token` has a hyphen: both need a module name.
    assert cli.ALIASES == {"import": "import_jsonl", "api-token": "api_token"}


def test_the_reader_language_comes_from_the_locale_variables() -> None:
    from omni_privacy.cli import reader_language

    assert reader_language({"LANG": "en_CA.UTF-8"}) == "en"
    assert reader_language({"LANG": "fr_CA.UTF-8"}) == "fr"
    assert reader_language({"LANG": "en_CA.UTF-8", "LC_ALL": "fr_FR.UTF-8"}) == "fr"
    assert reader_language({"LANGUAGE": "en", "LANG": "fr_CA.UTF-8"}) == "en"
    assert reader_language({"LANG": "C.UTF-8"}) == "fr"  # Omni's default
    assert reader_language({}) == "fr"


def test_a_command_speaks_english_under_an_english_locale(tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "LANG": "en_CA.UTF-8", "OMNI_VAR_DIR": str(tmp_path)}
    env.pop("LC_ALL", None)
    env.pop("LANGUAGE", None)
    ran = subprocess.run(
        [sys.executable, "-m", "omni_privacy", "conformance", "--as-of", "2026-13-40"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert ran.returncode != 0
    assert "--as-of" in ran.stderr
    french = subprocess.run(
        [sys.executable, "-m", "omni_privacy", "conformance", "--as-of", "2026-13-40"],
        capture_output=True,
        text=True,
        env={**env, "LANG": "fr_CA.UTF-8"},
        check=False,
    )
    assert french.stderr != ran.stderr  # the same refusal, said in each language
