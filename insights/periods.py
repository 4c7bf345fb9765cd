"""Periods: whole UTC days, the last one included, and the period of equal length before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

PRESETS = (7, 30, 90)
MAX_DAYS = 366


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def today() -> date:
    return timezone.now().astimezone(UTC).date()


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date

    @property
    def start(self) -> datetime:
        return day_start(self.first_day)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return day_start(self.last_day + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def previous(self) -> Period:
        last = self.first_day - timedelta(days=1)
        return Period(last - timedelta(days=self.days - 1), last)

    def dates(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range(self.days)]

    @classmethod
    def last_days(cls, days: int, *, until: date | None = None) -> Period:
        until = until or today()
        return cls(until - timedelta(days=days - 1), until)

    def __str__(self) -> str:
        return f"{self.first_day:%d %b %Y} – {self.last_day:%d %b %Y}"


@dataclass(frozen=True)
class Month(Period):
    """A calendar month (UTC), compared with the calendar month before it."""

    @classmethod
    def parse(cls, value: str) -> Month:
        """"2026-10" → October 2026. ValueError for anything else."""
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError(value)
        return cls.of(date(int(year), int(month), 1))

    @classmethod
    def of(cls, day: date) -> Month:
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return cls(first, following - timedelta(days=1))

    @classmethod
    def last_finished(cls, *, until: date | None = None) -> Month:
        return cls.of((until or today()).replace(day=1) - timedelta(days=1))

    def previous(self) -> Month:
        return Month.of(self.first_day - timedelta(days=1))

    @property
    def key(self) -> str:
        return f"{self.first_day:%Y-%m}"

    def __str__(self) -> str:
        return f"{self.first_day:%B %Y}"
