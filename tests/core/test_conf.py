import pytest

from omni_privacy.conf import ConfigError, env_bool, env_int, env_list


def test_env_bool_reads_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("OMNI_X", "yes")
    assert env_bool("OMNI_X", default=False) is True
    monkeypatch.setenv("OMNI_X", "off")
    assert env_bool("OMNI_X", default=True) is False
    monkeypatch.delenv("OMNI_X")
    assert env_bool("OMNI_X", default=True) is True


def test_env_bool_refuses_anything_else_naming_the_variable(monkeypatch):
    monkeypatch.setenv("OMNI_X", "maybe")
    with pytest.raises(ConfigError, match="OMNI_X must be true or false"):
        env_bool("OMNI_X", default=False)


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("OMNI_N", "12")
    assert env_int("OMNI_N", 3) == 12
    monkeypatch.setenv("OMNI_N", "twelve")
    with pytest.raises(ConfigError, match="OMNI_N must be a whole number"):
        env_int("OMNI_N", 3)
    monkeypatch.setenv("OMNI_L", " a.example.com, ,b.example.com ")
    assert env_list("OMNI_L", []) == ["a.example.com", "b.example.com"]
