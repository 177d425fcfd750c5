"""Conflicts and the generator on small hand-made weeks whose answers are known."""

import datetime

from schedules.generator import Bundle, CourseChoices, Preferences, generate, score
from schedules.meetings import Exam, Item, Meeting, conflicts, mask, parse_days

MON, TUE, WED, THU, FRI = range(5)


def at(day, start, end):
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return Meeting(day, h1 * 60 + m1, h2 * 60 + m2)


def bundle(name, *meetings, exams=(), seats=10):
    return Bundle((name,), (name,), list(meetings), mask(meetings), frozenset(exams), seats)


def test_day_codes():
    assert parse_days("MWF") == [MON, WED, FRI]
    assert parse_days("TuTh") == [TUE, THU]
    assert parse_days("M Tu W Th F") == [0, 1, 2, 3, 4]


def test_meetings_that_touch_do_not_conflict_and_overlaps_do():
    a = Item("a", "A", [at(MON, "11:00", "11:59")])
    b = Item("b", "B", [at(MON, "12:00", "13:00")])
    c = Item("c", "C", [at(MON, "12:30", "14:00"), at(WED, "9:00", "10:00")])
    found = conflicts([a, b, c])
    assert [(x.first, x.second, x.day, x.start, x.end) for x in found] == [("B", "C", "Monday", 750, 780)]
    assert "Monday 12:30 pm-1:00 pm" in found[0].text


def test_same_times_on_other_days_do_not_conflict():
    assert conflicts([Item("a", "A", [at(MON, "9:00", "10:00")]), Item("b", "B", [at(TUE, "9:00", "10:00")])]) == []


def test_final_exams_conflict_only_when_asked():
    day = datetime.date(2026, 8, 13)
    a = Item("a", "A", [], [Exam(day, 8 * 60, 11 * 60)])
    b = Item("b", "B", [], [Exam(day, 10 * 60, 13 * 60)])
    assert [c.kind for c in conflicts([a, b])] == ["exam"]
    assert conflicts([a, b], exams=False) == []


def test_generator_finds_every_conflict_free_combination():
    # A: two lectures; B: one that clashes with A1; C: one at any time.
    a1, a2 = bundle("A1", at(MON, "9:00", "10:00")), bundle("A2", at(TUE, "9:00", "10:00"))
    b1 = bundle("B1", at(MON, "9:30", "10:30"))
    c1, c2 = bundle("C1", at(MON, "13:00", "14:00")), bundle("C2", at(WED, "13:00", "14:00"))
    result = generate([CourseChoices("A", [a1, a2]), CourseChoices("B", [b1]), CourseChoices("C", [c1, c2])])
    found = {tuple(b.sections[0] for b in combo["bundles"]) for combo in result.combinations}
    assert found == {("A2", "B1", "C1"), ("A2", "B1", "C2")}
    assert result.found == 2
    assert not result.truncated
    # Fewer days first: A2 (Tu), B1 (M), C1 (M) is on two days, with C2 on three.
    assert [b.sections[0] for b in result.combinations[0]["bundles"]] == ["A2", "B1", "C1"]


def test_blocks_and_not_before_filter_and_clashing_exams_are_skipped():
    day = datetime.date(2026, 8, 13)
    early = bundle("A1", at(MON, "8:00", "9:00"))
    late = bundle("A2", at(MON, "10:00", "11:00"), exams=[(day, 480, 660)])
    b1 = bundle("B1", at(TUE, "10:00", "11:00"), exams=[(day, 600, 720)])
    b2 = bundle("B2", at(THU, "10:00", "11:00"))
    work = mask([at(TUE, "9:00", "12:00")])
    result = generate(
        [CourseChoices("A", [early, late]), CourseChoices("B", [b1, b2])],
        blocks_mask=work,
        prefs=Preferences(not_before=9 * 60),
    )
    assert [[b.sections[0] for b in c["bundles"]] for c in result.combinations] == [["A2", "B2"]]
    none = generate([CourseChoices("A", [early])], prefs=Preferences(not_before=9 * 60))
    assert none.empty_courses == ["A"]
    assert "No sections of A" in none.message


def test_open_seats_and_compact_days_rank():
    full = bundle("A1", at(MON, "9:00", "10:00"), seats=0)
    open_ = bundle("A2", at(MON, "14:00", "15:00"), seats=5)
    b = bundle("B1", at(MON, "10:00", "11:00"))
    seats_first = generate([CourseChoices("A", [full, open_]), CourseChoices("B", [b])],
                           prefs=Preferences(ranking=("open_seats",)))  # fmt: skip
    assert seats_first.combinations[0]["bundles"][0].sections == ("A2",)
    compact = generate([CourseChoices("A", [full, open_]), CourseChoices("B", [b])],
                       prefs=Preferences(ranking=("compact",)))  # fmt: skip
    assert compact.combinations[0]["bundles"][0].sections == ("A1",)
    assert score([full, b])["gap_minutes"] == 0
    assert score([open_, b])["gap_minutes"] == 180


def test_same_times_are_one_choice_with_alternatives_counted():
    labs = [bundle(f"L{i}", at(MON, "13:00", "15:00"), seats=i) for i in range(5)]
    result = generate([CourseChoices("A", labs)])
    assert result.found == 1
    assert result.combinations[0]["bundles"][0].sections == ("L4",)
    assert result.combinations[0]["alternatives"] == [5]


def test_too_many_combinations_stop_at_the_bound_with_a_message():
    courses = [
        CourseChoices(str(c), [bundle(f"{c}{h}", at(c, f"{h}:00", f"{h}:50")) for h in range(8, 18)]) for c in range(5)
    ]  # 10**5 conflict-free combinations
    result = generate(courses, limit=1000, keep=5)
    assert result.truncated
    assert result.found == 1000
    assert len(result.combinations) == 5
    assert "More than 1,000" in result.message
