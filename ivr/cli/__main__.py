"""`python -m ivr.cli ...` is `ivr ...` (how `ivr serve --workers N` starts its worker processes)."""

from ivr.cli import main

main()
