"""`python -m tracker` runs the `track` command."""

from tracker.cli import main

main()
