"""``python -m sitegen``: the ``sitegen`` command, for when the script is not on PATH."""

from .cli import run

run()
