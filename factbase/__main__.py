"""The `factbase` command, and `python -m factbase`.

The entry point imports the command line inside a ``try``, so Ctrl-C while it starts
(the imports take a moment) ends with one line and exit code 130, like Ctrl-C later.
"""

import sys


def run() -> None:
    try:
        from factbase.cli import main

        main()
    except KeyboardInterrupt:  # while starting, before the command's own error boundary
        print("factbase: interrupted; nothing was written", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    run()
