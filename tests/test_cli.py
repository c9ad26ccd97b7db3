"""The command line as an analyst meets it: every help page prints, in Vietnamese."""

import pytest

from lib03.cli import main


@pytest.mark.parametrize("command", [[], ["clean"], ["report"], ["template"], ["demo"]])
def test_every_help_page_prints(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([*command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "Cách dùng" in out and "hiện hướng dẫn này rồi thoát" in out


def test_a_deadline_typed_the_vietnamese_way_is_understood_and_a_bad_one_refused(capsys):
    code = main(["report", "--deadline", "31/02/2014", "--skip-clean", "--processed",
                 "/nonexistent"])
    assert code == 2 and "Hạn nộp «31/02/2014» không đọc được" in capsys.readouterr().err
