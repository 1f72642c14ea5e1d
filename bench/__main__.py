"""`python -m bench`: every figure of issue 13 beside its baseline (`bench/run.py`)."""

from bench.run import main

main()
