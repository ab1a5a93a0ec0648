"""`make bench`: how fast the register is, against the fastest the same stack can go (issue 10).

Not part of `make test`: timings are not tests. ``seed`` loads a generated council (the
``bench_seed`` command, under ``DJANGO_SETTINGS_MODULE=tests.bench.settings``), ``scenarios`` holds
one small function per scenario, ``harness`` times them and writes the table, and ``run``
(``python -m tests.bench.run``) starts the stack, seeds, measures and tears down.
"""
