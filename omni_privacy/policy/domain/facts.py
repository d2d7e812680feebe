"""Facts about organisations and holdings, as plain values (no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Interval:
    """A period of days, both ends included; ``end`` None means ongoing."""

    start: dt.date
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class OrganizationFacts:
    subscriptions: tuple[Interval, ...] = ()
    purchasing_group_contracts: tuple[Interval, ...] = ()

    def subscribed_on(self, day: dt.date) -> bool:
        return any(period.covers(day) for period in self.subscriptions)

    def purchasing_group_active_on(self, day: dt.date) -> bool:
        return any(period.covers(day) for period in self.purchasing_group_contracts)

    def has_subscription(self) -> bool:
        return bool(self.subscriptions)

    def last_subscription_end(self) -> dt.date | None:
        """The last day of the last subscription, once none is ongoing: the day non-renewal
        clocks count from (notice §4 ¶2, ¶4; docs/retention.md). None while a subscription is
        ongoing, or if the organisation never subscribed."""
        if not self.subscriptions or any(p.end is None for p in self.subscriptions):
            return None
        return max(p.end for p in self.subscriptions if p.end is not None)

    def non_renewal_on(self) -> dt.date | None:
        """The first day without a subscription after the last one ends, if it ends.

        Notice §4 ¶2/¶4: "an organisation whose last subscription has ended has not renewed".
        A subscription covers its end day, so non-renewal happens the day after. None while a
        subscription is ongoing, or if the organisation never subscribed.
        """
        last_end = self.last_subscription_end()
        return None if last_end is None else last_end + ONE_DAY


@dataclass(frozen=True)
class HoldingFacts:
    source: str
    collected_at: dt.date
    last_contact_at: dt.date | None = None
    role_removed_at: dt.date | None = None
    erasure_requested_at: dt.date | None = None
    """The erasure request that covered this holding (never one made before it was collected)."""
    roles: tuple[str, ...] = field(default=())

    @property
    def last_contact(self) -> dt.date:
        """Notice §4 ¶3 counts from the last contact; collection is the first contact."""
        if self.last_contact_at is None:
            return self.collected_at
        return max(self.last_contact_at, self.collected_at)
