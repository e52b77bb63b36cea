"""The staging load test (bench/staging_load.py) runs end to end — here on moto, slowly and serialised,
so that the script an operator points at a staging table is known to work before they do."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


def test_the_staging_load_test_refuses_to_run_without_being_told_it_is_on_staging(capsys):
    import staging_load

    with pytest.raises(SystemExit):
        staging_load.main(["--table", "t"])
    assert "--i-am-on-staging" in capsys.readouterr().err


@pytest.mark.slow
def test_the_staging_load_test_runs_its_three_loads_and_finds_exact_counters(dynamodb_client, table_name, capsys):
    import staging_load

    code = staging_load.main(["--table", table_name, "--survey-rate", "20", "--seconds", "0.5", "--workers", "4",
                              "--cases", "3", "--i-am-on-staging"], client=dynamodb_client)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "survey counters equal the 10 stored answers" in out
    assert "cases (3 accepted by two staff each at once): {'ok': 3, '409': 3}" in out
    assert "session (4 requests of one session at once): {'ok': 4}" in out
