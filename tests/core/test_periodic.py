import datetime as dt

from omni_privacy.core.periodic import slot_for


def test_slots_are_aligned_and_stable_within_an_interval():
    day = dt.timedelta(days=1)
    morning = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)
    evening = dt.datetime(2026, 11, 25, 22, 0, tzinfo=dt.UTC)
    assert slot_for(morning, day) == dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    assert slot_for(morning, day) == slot_for(evening, day)
    assert slot_for(evening + dt.timedelta(hours=3), day) == dt.datetime(
        2026, 11, 26, tzinfo=dt.UTC
    )
