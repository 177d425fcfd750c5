"""The movement estimate and the model's rows, on counts written here with known answers."""

import datetime

from waitlists import odds
from waitlists.movement import HORIZON_DAYS, Count, cleared, movement

DAY_0 = datetime.date(2031, 4, 15)


def on(day: int) -> datetime.date:
    return DAY_0 + datetime.timedelta(days=day)


def test_admissions_while_there_is_a_waitlist_move_its_front():
    # given a full class of 100 with 50 waitlisted, ten admitted on each of days 1 to 3
    counts = [
        Count(on(0), 100, 50, 100),
        Count(on(1), 110, 40, 110),
        Count(on(2), 120, 30, 120),
        Count(on(3), 130, 20, 130),
        Count(on(160), 130, 20, 130),
    ]

    # when its movement is estimated
    moved = movement(counts, DAY_0)

    # then the front moved 30 after day 0, 20 after day 1, none after day 3
    assert [moved.moved_after(day) for day in (0, 1, 2, 3)] == [30, 20, 10, 0]
    assert moved.moved_after_each_day()[:4] == [30, 20, 10, 0]
    assert cleared(moved, 0, 30)
    assert not cleared(moved, 0, 31)
    assert moved.days == HORIZON_DAYS + 1


def test_a_rise_without_a_waitlist_the_day_before_is_open_seats_not_movement():
    counts = [Count(on(0), 10, 0, 100), Count(on(1), 80, 5, 100), Count(on(2), 84, 1, 100)]

    moved = movement(counts, DAY_0)

    assert moved.moved_after(0) == 4  # only day 2's rise: day 1 had no waitlist before it


def test_a_rise_larger_than_the_waitlist_counts_only_the_waitlist():
    # capacity doubled: 40 more students, of whom only 15 were waiting
    counts = [Count(on(0), 40, 15, 40), Count(on(1), 80, 0, 80)]

    assert movement(counts, DAY_0).moved_after(0) == 15


def test_drops_and_a_waitlist_emptied_at_the_end_do_not_count_as_movement():
    counts = [Count(on(0), 100, 30, 100), Count(on(5), 95, 30, 100), Count(on(140), 95, 0, 100)]

    assert movement(counts, DAY_0).moved_after(0) == 0


def test_counts_before_phase_1_are_not_read():
    # the previous term's final count carried over onto the term's first days
    counts = [Count(on(-10), 1210, 0, 1375), Count(on(0), 0, 0, None), Count(on(3), 0, 20, None)]

    moved = movement(counts, DAY_0)

    assert moved.waitlisted[:4] == [0, 0, 0, 20]
    assert moved.moved_after(0) == 0


def test_a_hole_in_the_data_keeps_the_last_counts_and_the_rise_shows_when_it_resumes():
    counts = [Count(on(0), 200, 60, 200), Count(on(2), 200, 70, 200), Count(on(40), 245, 25, 245)]

    moved = movement(counts, DAY_0)

    assert moved.waitlisted[39] == 70
    assert moved.admitted[40] == 45
    assert moved.moved_after(0) == 45
    assert moved.moved_after(40) == 0


def test_enrolled_above_capacity_needs_no_capacity_to_move():
    counts = [Count(on(0), 130, 12, 120), Count(on(1), 137, 5, None)]

    moved = movement(counts, DAY_0)

    assert moved.moved_after(0) == 7
    assert moved.capacity_on(1) == 120  # the latest capacity known


def test_the_position_grid_stands_for_every_position_once():
    for waitlist in (1, 7, 10, 11, 57, 361):
        grid = odds.position_grid(waitlist)
        assert sum(weight for _, weight in grid) == waitlist
        assert grid[0][0] == 1
        assert grid[-1][0] + grid[-1][1] - 1 == waitlist


def test_a_row_is_cleared_exactly_when_the_waitlist_moved_that_far():
    counts = [Count(on(0), 100, 50, 100), Count(on(10), 130, 20, 130)]
    target = movement(counts, DAY_0)
    history = [movement([Count(on(0), 100, 50, 100), Count(on(20), 120, 30, 120)], DAY_0)]

    rows = odds.rows_for(target, history, every_position=True)

    day_0 = [row for row in rows if row.day == 0]
    assert [row.position for row in day_0] == list(range(1, 51))
    assert [row.cleared for row in day_0] == [p <= 30 for p in range(1, 51)]
    position_25 = day_0[24].features
    assert position_25[odds.FEATURES.index("past_share_cleared")] == 0.0  # the past term moved 20
    assert position_25[odds.FEATURES.index("position_per_seat")] == 0.25
