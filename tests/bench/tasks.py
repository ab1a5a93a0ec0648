"""The baseline task of the notice fan-out: does nothing but count itself, so the harness knows
when the worker has run them all (one Redis INCR, against a delivery's database round trips)."""

import functools

import redis
from celery import shared_task
from django.conf import settings

COUNTER = "bench:noop-done"


@shared_task(name="bench.noop", ignore_result=True)
def noop() -> None:
    _redis().incr(COUNTER)


@functools.cache
def _redis():
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)
