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
