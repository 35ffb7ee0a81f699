"""Dates and times said every way people say them: one test per rule of `extract.when`."""

from __future__ import annotations

from datetime import datetime

import pytest

from realtalk.brain import extract
from realtalk.brain.extract import Utterance

MONDAY = datetime(2026, 11, 30, 10, 0)  # also the last day of the month
FRIDAY_EVENING = datetime(2026, 12, 4, 18, 30)
NEW_YEARS_EVE = datetime(2026, 12, 31, 16, 0)
SATURDAY_MONTH_END = datetime(2027, 2, 27, 8, 0)


def read(said: str, now: datetime = MONDAY) -> str | None:
    found = extract.when(Utterance(said, now), "datetime")
    return None if found is None else str(found.value)


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("eight in the morning", "2026-12-01T08:00:00"),  # the hour said, not the morning's 9
        ("8 tomorrow evening", "2026-12-01T20:00:00"),
        ("twelve thirty tomorrow", "2026-12-01T12:30:00"),
        ("twenty to six this evening", "2026-11-30T17:40:00"),
        ("ten o'clock tomorrow morning", "2026-12-01T10:00:00"),
        ("7.45 tomorrow morning", "2026-12-01T07:45:00"),  # as Whisper writes it
        ("twelve noon on Friday", "2026-12-04T12:00:00"),
        ("Friday two thirty", "2026-12-04T14:30:00"),
        ("tomorrow nine-thirty", "2026-12-01T09:30:00"),
        ("at nine oh five tomorrow", "2026-12-01T09:05:00"),
        ("by 10.30", "2026-11-30T10:30:00"),
        ("tomorrow, oh-eight-hundred", "2026-12-01T08:00:00"),  # the 24-hour clock in hundreds
        ("at 1400 hours", "2026-11-30T14:00:00"),
        ("to the four and half of the afternoon", "2026-11-30T16:30:00"),  # as a learner may say it
    ],
)
def test_clock_times_in_words(said: str, value: str) -> None:
    assert read(said) == value


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("half two on Friday", "2026-12-04T14:30:00"),
        ("half seven tonight", "2026-11-30T19:30:00"),
        ("half eleven tomorrow morning", "2026-12-01T11:30:00"),
        ("around half four", "2026-11-30T16:30:00"),
        ("half past two", "2026-11-30T14:30:00"),  # "past" keeps its own meaning
        ("quarter of five", "2026-11-30T16:45:00"),  # American: a quarter to five
        ("meet at ten of six", "2026-11-30T17:50:00"),
        ("quarter to midnight", "2026-11-30T23:45:00"),
    ],
)
def test_half_an_hour_said_the_british_way(said: str, value: str) -> None:
    assert read(said) == value


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("four-ish", "2026-11-30T16:00:00"),
        ("4pm-ish on Thursday", "2026-12-03T16:00:00"),
        ("Friday at seven-ish in the evening", "2026-12-04T19:00:00"),
        ("at about 11 in the morning on Saturday", "2026-12-05T11:00:00"),
        ("5ish", "2026-11-30T17:00:00"),
        ("before 5 tomorrow", "2026-12-01T17:00:00"),
    ],
)
def test_approximate_times(said: str, value: str) -> None:
    assert read(said) == value


def test_ish_is_not_left_as_a_word_or_a_number() -> None:
    utterance = Utterance("call mum at four-ish", MONDAY)
    found = extract.when(utterance, "datetime")
    assert found is not None and utterance.take(found) == "2026-11-30T16:00:00"
    assert utterance.rest() == "call mum" and extract.numbers(utterance) == []


@pytest.mark.parametrize(
    ("said", "now", "value"),
    [
        ("this evening", MONDAY, "2026-11-30T19:00:00"),
        ("tomorrow lunchtime", MONDAY, "2026-12-01T12:00:00"),
        ("first thing on Wednesday", MONDAY, "2026-12-02T09:00:00"),
        ("in the morning", FRIDAY_EVENING, "2026-12-05T09:00:00"),
        ("this time tomorrow", MONDAY, "2026-12-01T10:00:00"),
        ("midnight tonight", MONDAY, "2026-12-01T00:00:00"),  # the midnight that ends the day
        ("Thursday arvo", MONDAY, "2026-12-03T15:00:00"),  # Australian afternoon
        ("Monday AM", MONDAY, "2026-12-07T09:00:00"),
        ("tonite at 8", MONDAY, "2026-11-30T20:00:00"),
        ("Tuesday, am I free?", MONDAY, "2026-12-01"),  # "am" a verb here
        ("tomorrow @ 9", MONDAY, "2026-12-01T09:00:00"),
    ],
)
def test_periods_of_the_day(said: str, now: datetime, value: str) -> None:
    assert read(said, now) == value


@pytest.mark.parametrize(
    ("said", "now", "value"),
    [
        ("at 7", FRIDAY_EVENING, "2026-12-04T19:00:00"),  # half an hour away: the evening's
        ("at 9", SATURDAY_MONTH_END, "2027-02-27T09:00:00"),  # still ahead this morning
        ("at 10", datetime(2026, 11, 22, 12), "2026-11-23T10:00:00"),  # 10 pm is too far: tomorrow's 10
        ("at 7", datetime(2026, 11, 29, 22), "2026-11-30T07:00:00"),
        ("at 5", NEW_YEARS_EVE, "2026-12-31T17:00:00"),  # 1 to 6 are afternoon hours
    ],
)
def test_an_hour_without_am_or_pm_is_the_next_likely_one(said: str, now: datetime, value: str) -> None:
    assert read(said, now) == value


@pytest.mark.parametrize(
    ("said", "now", "value"),
    [
        ("a fortnight from today", MONDAY, "2026-12-14"),
        ("in a fortnight's time", MONDAY, "2026-12-14"),
        ("in a couple of days", MONDAY, "2026-12-02"),
        ("a week on Wednesday", MONDAY, "2026-12-09"),
        ("two weeks from Friday", MONDAY, "2026-12-18"),
        ("a week tomorrow", NEW_YEARS_EVE, "2027-01-08"),
        ("Tuesday week", MONDAY, "2026-12-08"),
        ("next Tuesday week", MONDAY, "2026-12-08"),
        ("Monday week", FRIDAY_EVENING, "2026-12-14"),
        ("Monday fortnight", FRIDAY_EVENING, "2026-12-21"),
        ("Wednesday next week", MONDAY, "2026-12-09"),
        ("Monday next week", FRIDAY_EVENING, "2026-12-07"),
        ("the Tuesday after next", MONDAY, "2026-12-08"),
        ("in a month", NEW_YEARS_EVE, "2027-01-31"),
        ("within 2 days", MONDAY, "2026-12-02"),
        ("in four and a half hours", MONDAY, "2026-11-30T14:30:00"),
        ("next weekend", SATURDAY_MONTH_END, "2027-03-06"),
    ],
)
def test_weeks_and_fortnights(said: str, now: datetime, value: str) -> None:
    assert read(said, now) == value


@pytest.mark.parametrize(
    ("said", "now", "value"),
    [
        ("end of the month", MONDAY, "2026-11-30"),
        ("end of next week", MONDAY, "2026-12-13"),  # its Sunday
        ("by the end of next month", NEW_YEARS_EVE, "2027-01-31"),
        ("by the end of the year", MONDAY, "2026-12-31"),
        ("at the start of next month", MONDAY, "2026-12-01"),
        ("by the end of June", MONDAY, "2027-06-30"),
        ("on the last day of next month", MONDAY, "2026-12-31"),
        ("the first day of next month", MONDAY, "2026-12-01"),
        ("the first Monday in January", MONDAY, "2027-01-04"),
        ("the last Friday of the month", MONDAY, "2026-12-25"),  # November's has passed
        ("the 15th of next month", MONDAY, "2026-12-15"),
        ("the 31st", SATURDAY_MONTH_END, "2027-03-31"),  # February has none: March's
    ],
)
def test_ends_and_starts_of_periods(said: str, now: datetime, value: str) -> None:
    assert read(said, now) == value


@pytest.mark.parametrize(
    ("said", "now", "value"),
    [
        ("on Christmas Eve", MONDAY, "2026-12-24"),
        ("New Year's Day", NEW_YEARS_EVE, "2027-01-01"),
        ("Valentines day", MONDAY, "2027-02-14"),
        ("by xmas", MONDAY, "2026-12-25"),
        ("a year today", MONDAY, "2027-11-30"),
        ("Dec 3rd", MONDAY, "2026-12-03"),
        ("the 3rd of Dec", MONDAY, "2026-12-03"),
        ("call bob tues", MONDAY, "2026-12-01"),
        ("wed at 3", MONDAY, "2026-12-02T15:00:00"),
        ("January 5th", NEW_YEARS_EVE, "2027-01-05"),
        ("March the 10th", SATURDAY_MONTH_END, "2027-03-10"),
    ],
)
def test_named_days_and_short_forms(said: str, now: datetime, value: str) -> None:
    assert read(said, now) == value


@pytest.mark.parametrize(
    "said",
    [
        "the second one",
        "the first of many",
        "what's the first thing on my list",
        "it's the fourth time this week",
        "good morning",
        "I'm not a morning person",
        "buy a Christmas tree",
        "I've had this cough since last week",
        "sort out last year's taxes",
        "the score was 5 to 2",
        "read pages 10 to 12",
        "we lost by 2 votes",
        "I sat down",
        "wait a second",
        "call 0800 123456",
        "it weighs 2 and a half kilos",
        "we spent a quarter of 3 grand",
        "turn it up to 11",
        "how about double seven one nine",  # a code said digit by digit
        "read the weekend papers",
    ],
)
def test_words_that_name_no_day_or_time(said: str) -> None:
    assert read(said) is None


@pytest.mark.parametrize(
    "said",
    [
        "in 10000 years",
        "in 100000 months",
        "in 99999999999 days",
        "5000000 weeks from friday",
        "in 99999999999 hours",
    ],
)
def test_a_moment_past_the_calendars_end_is_no_moment(said: str) -> None:
    """Anyone may type "in 10000 years": it names no date a datetime can hold, and raises nothing."""
    assert read(said) is None


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("move tomorrow's meeting to Friday", "2026-12-04"),
        ("move tonight's dinner to Friday", "2026-12-04"),
        ("move the Friday meeting to Monday", "2026-12-07"),
        ("move my 9am to 10", "2026-12-01T10:00:00"),
        ("move the 3 o'clock to 4", "2026-11-30T16:00:00"),
        ("book the 9 o'clock slot", "2026-12-01T09:00:00"),  # the only time said, though it names a slot
        ("move my meeting with Sarah from 2 to 3", "2026-11-30T15:00:00"),
    ],
)
def test_a_day_or_time_that_names_a_thing_is_not_the_one_meant(said: str, value: str) -> None:
    assert read(said) == value


def test_a_time_alone_keeps_the_day_of_what_it_moves() -> None:
    found = extract.when(Utterance("move the dentist to half two", MONDAY), "datetime", keeps_day=True)
    assert found is not None and found.value == "14:30"
