"""When counts are news: the rules' edge cases, on plain counts."""

import pytest

from alerts import rules


def counts(enrolled, capacity, waitlisted=0):
    return {"enrolled": enrolled, "capacity": capacity, "waitlisted": waitlisted}


@pytest.mark.parametrize(
    ("before", "after", "opened"),
    [
        (counts(30, 30), counts(29, 30), True),  # a drop in a full section
        (counts(30, 30), counts(30, 32), True),  # seats added
        (counts(33, 30), counts(29, 30), True),  # over-enrolled, then below capacity
        (counts(33, 30), counts(31, 30), False),  # still over
        (counts(28, 30), counts(27, 30), False),  # already open: more seats is not news
        (counts(29, 30), counts(30, 30), False),  # closing
        (counts(None, None), counts(10, 30), False),  # a first count after none
        (counts(30, 30), counts(None, 30), False),  # counts gone
    ],
)
def test_a_seat_opens_when_open_seats_go_from_none_to_some(before, after, opened):
    assert rules.seat_opened(rules.totals([before]), rules.totals([after])) is opened


def test_a_class_opens_when_all_its_primary_sections_were_full():
    full, other_full, other_open = counts(30, 30), counts(20, 20), counts(19, 20)
    assert rules.seat_opened(rules.totals([full, other_full]), rules.totals([full, other_open]))
    assert not rules.seat_opened(rules.totals([full, other_open]), rules.totals([counts(29, 30), other_open]))
    assert rules.totals([full, counts(None, None)]).open == 0  # a section without counts adds nothing


@pytest.mark.parametrize(
    ("before", "after", "left"),
    [
        (counts(30, 30, 10), counts(30, 30, 7), 3),  # three left the waitlist
        (counts(30, 30, 10), counts(32, 32, 10), 2),  # two enrolled from it as two joined the back
        (counts(30, 30, 10), counts(34, 34, 5), 5),  # the larger of the two signs
        (counts(30, 30, 3), counts(40, 40, 0), 3),  # never more than were waiting
        (counts(30, 30, 0), counts(31, 31, 0), 0),  # no waitlist, nothing to move
        (counts(30, 30, 10), counts(29, 30, 14), 0),  # only joins and drops
        (counts(30, 30, None), counts(30, 30, 5), 0),
    ],
)
def test_students_leaving_the_waitlist_are_the_larger_sign_in_the_counts(before, after, left):
    assert rules.left_waitlist(before, after) == left


@pytest.mark.parametrize(
    ("position", "moved_before", "moved_now", "passed"),
    [(5, 4, 5, True), (5, 0, 9, True), (5, 3, 4, False), (5, 5, 6, False), (None, 0, 10, False), (1, 0, 1, True)],
)
def test_the_waitlist_passes_a_position_once(position, moved_before, moved_now, passed):
    assert rules.waitlist_passed(position, moved_before, moved_now) is passed
