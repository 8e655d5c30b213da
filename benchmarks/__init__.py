"""Performance harness for modelreg: ``python -m benchmarks`` (or ``make bench``); see README.md."""
