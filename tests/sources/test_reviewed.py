"""Reviewed decision files: read line by line, a malformed line named by file and line."""

import pytest

from sources.files import DataFileError
from sources.reviewed import read_decisions

VERBS = {"merge": "became", "apart": "separate"}


def write(tmp_path, text: str):
    path = tmp_path / "decisions.txt"
    path.write_text(text)
    return path


def test_decisions_are_read_with_their_line_and_reason(tmp_path):
    path = write(tmp_path, "# a comment\n\nmerge | ELENG 126 | EECS 126 | EECS took over\napart|A 1|B 1|two classes\n")
    decisions = read_decisions(path, VERBS)
    assert [(d.line, d.verb, d.subjects, d.reason) for d in decisions] == [
        (3, "merge", ("ELENG 126", "EECS 126"), "EECS took over"),
        (4, "apart", ("A 1", "B 1"), "two classes"),
    ]
    assert decisions[0].where == "decisions.txt:3"


def test_a_missing_file_holds_no_decisions(tmp_path):
    assert read_decisions(tmp_path / "none.txt", VERBS) == []


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("merge | ELENG 126 | EECS 126", "expected 4 fields"),
        ("merge | ELENG 126 | EECS 126 | a | b", "expected 4 fields"),
        ("fuse | ELENG 126 | EECS 126 | why", "unknown decision 'fuse'"),
        ("merge | ELENG 126 | EECS 126 |  ", "needs its reason"),
        ("merge |  | EECS 126 | why", "empty field"),
        ("merge | EECS 126 | EECS 126 | why", "decided about itself"),
    ],
)
def test_a_malformed_line_is_named_with_file_line_and_reason(tmp_path, line, reason):
    path = write(tmp_path, f"# header\n{line}\n")
    with pytest.raises(DataFileError) as error:
        read_decisions(path, VERBS)
    assert str(error.value).startswith(f"{path}:2: ")
    assert reason in str(error.value)


def test_a_pair_is_decided_once(tmp_path):
    path = write(tmp_path, "merge | A 1 | B 1 | one\napart | B 1 | A 1 | two\n")
    with pytest.raises(DataFileError, match=r":2: already decided at line 1"):
        read_decisions(path, VERBS)
