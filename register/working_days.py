"""Working days in the council's nation (A12): Monday to Friday, less that nation's bank holidays.

England and Wales share their bank holidays; Scotland and Northern Ireland have their own. The
dates come from the ``holidays`` package, for the nation in ``settings.COUNCIL_NATION``.
"""

import datetime
from functools import cache

import holidays
from django.conf import settings

NATION_SUBDIVISION = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}


@cache
def _bank_holidays(nation: str) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv=NATION_SUBDIVISION[nation])


def bank_holiday(day: datetime.date, nation: str | None = None) -> str | None:
    """The name of the bank holiday on ``day`` in the nation, or None."""
    return _bank_holidays(nation or settings.COUNCIL_NATION).get(day)


def is_working_day(day: datetime.date, nation: str | None = None) -> bool:
    return day.weekday() < 5 and bank_holiday(day, nation) is None


def add_working_days(day: datetime.date, count: int, nation: str | None = None) -> datetime.date:
    """The ``count``-th working day after ``day`` (``day`` itself never counts)."""
    if count < 0:
        raise ValueError("Count working days forwards.")
    while count:
        day += datetime.timedelta(days=1)
        if is_working_day(day, nation):
            count -= 1
    return day


def previous_working_day(day: datetime.date, nation: str | None = None) -> datetime.date:
    day -= datetime.timedelta(days=1)
    while not is_working_day(day, nation):
        day -= datetime.timedelta(days=1)
    return day


def working_days_between(start: datetime.date, end: datetime.date, nation: str | None = None) -> int:
    """How many working days after ``start`` up to and including ``end``: 0 on the same day."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day, nation):
            count += 1
    return count
