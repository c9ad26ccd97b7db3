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


def test_report_validates_notebooks_without_compiling_the_iri_grammars():
    # In a fresh interpreter, as `lib03 report` runs: nbformat still validates, and the slow
    # optional format checker (0.9 s of Lark grammars) is never imported.
    import subprocess
    import sys

    code = (
        "import sys; from lib03.cli import _skip_iri_format_check; _skip_iri_format_check()\n"
        "import nbformat\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "nbformat.validate(nb)\n"
        "print(sys.modules.get('rfc3987_syntax', 'absent'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() in ("None", "absent")
