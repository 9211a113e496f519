"""A site of numbered pages for the parallel-build tests.

The tests make one page misbehave through the environment, which the worker
processes inherit: ``PARALLEL_RAISE=N`` makes page N raise (``PARALLEL_LATE=N`` after a
second), ``PARALLEL_KILL=FILE`` makes the first worker that renders page 7 kill itself
(and leave FILE, so a retry renders it), ``PARALLEL_SLOW=S`` makes every page take S s.
"""

import multiprocessing
import os
import signal
import time
from pathlib import Path

from sitegen import Site, render_template

site = Site(__name__)
PAGES = 24


@site.route("/")
def index():
    return render_template("index.html", numbers=range(PAGES))


@site.route("/pages/<int:number>/")
def page(number):
    time.sleep(float(os.environ.get("PARALLEL_SLOW", "0")))
    if str(number) == os.environ.get("PARALLEL_RAISE"):
        check_page(number)
    if str(number) == os.environ.get("PARALLEL_LATE"):
        time.sleep(1)
        check_page(number)
    marker = os.environ.get("PARALLEL_KILL")
    if marker and number == 7 and multiprocessing.parent_process() is not None \
            and not Path(marker).exists():
        Path(marker).write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return render_template("page.html", number=number)


def check_page(number):
    raise ValueError(f"page {number} is broken")
