"""`python -m newsdesk.cli …` runs the command line (used by tests that need a process)."""

from newsdesk.cli import entry

entry()
