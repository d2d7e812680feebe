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


def test_a_database_not_set_up_or_not_reachable_is_said_without_a_traceback(tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMNI_", "LC_", "LANG"))}
    env |= {"OMNI_VAR_DIR": str(tmp_path)}

    def run(**extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "omni_privacy", "dsr", "list"],
            capture_output=True, text=True, env={**env, **extra}, check=False,
        )  # fmt: skip

    fresh = run(LANG="fr_CA.UTF-8")  # a new SQLite file, never migrated
    assert fresh.returncode == 2
    assert fresh.stderr == (
        "La base de données n’est pas prête : lancez d’abord `omni-privacy migrate`.\n"
    )
    assert "Traceback" not in fresh.stderr
    english = run(LANG="en_CA.UTF-8")
    assert english.stderr == "The database is not set up: run `omni-privacy migrate` first.\n"
    away = run(LANG="en_CA.UTF-8", OMNI_DATABASE_URL="postgres://postgres@127.0.0.1:9/none")
    assert away.returncode == 2
    assert away.stderr.startswith("The database (postgresql) cannot be reached")
    assert "127.0.0.1" not in away.stderr  # the connection's details stay out
