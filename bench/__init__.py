"""`make bench`: how fast the register is, against the fastest the same stack can go (issue 10).

Not part of `make test`: timings are not tests. ``bench.seed`` loads a generated council,
``bench.scenarios`` holds one small function per scenario, ``bench.harness`` times them and writes
the table, and ``bench.run`` starts the stack, seeds, measures and tears down.
"""
