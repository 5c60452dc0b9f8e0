"""When a digest is due. Periods are named in Europe/Paris local time: a daily
digest per day (``quotidien:2026-11-25``), a weekly one per ISO week
(``hebdomadaire:2026-W48``). A period becomes due at its slot (the configured
hour, and for weekly digests the configured weekday) and stays due until the
end of the period, so a beat that was down at the slot catches up."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import Frequency

PARIS = ZoneInfo("Europe/Paris")
LENGTH = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}


@dataclass(frozen=True)
class Period:
    frequency: str
    key: str
    slot: datetime  # content cut-off: what exists at the slot goes in this digest


def _slot(day):
    return datetime.combine(day, time(hour=settings.DIGEST_DAILY_HOUR), tzinfo=PARIS)


def current_period(frequency, now):
    """The period of ``frequency`` that ``now`` falls in, or None if its slot has not come yet."""
    local = now.astimezone(PARIS)
    if frequency == Frequency.DAILY:
        slot = _slot(local.date())
        key = f"{frequency}:{local.date().isoformat()}"
    elif frequency == Frequency.WEEKLY:
        monday = local.date() - timedelta(days=local.isoweekday() - 1)
        slot = _slot(monday + timedelta(days=settings.DIGEST_WEEKLY_DAY - 1))
        year, week, _ = local.isocalendar()
        key = f"{frequency}:{year}-W{week:02d}"
    else:
        return None
    if local < slot:
        return None
    return Period(frequency=frequency, key=key, slot=slot)


def due_periods(now):
    return [p for p in (current_period(f, now) for f in (Frequency.DAILY, Frequency.WEEKLY)) if p]
