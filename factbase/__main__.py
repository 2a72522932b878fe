"""`python -m factbase` runs the command line."""

from factbase.cli import main

main()
