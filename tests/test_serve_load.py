"""The preview under load: many connections for 20 seconds while a file is saved every
second, served by the real ``sitegen serve`` on a loopback port. Zero errors, and its
memory stays flat."""

from __future__ import annotations

import http.client
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from test_serve_cli import Command

SECONDS = 20
CLIENTS = 16
PATHS = ["/", "/posts/first/", "/posts/second/", "/about", "/feed.xml", "/missing/",
         "/__sitegen/reload.js"]
EXPECTED = {"/missing/": 404}
#: How much the server's resident memory may grow once warm (MiB).
GROWTH_MIB = 25


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_many_connections_while_a_post_is_saved_every_second(copy_site):
    site = copy_site("serve_blog")
    post = site / "posts/first.txt"
    original = post.read_text()
    command = Command(site, "--port", "0")
    parts = urlsplit(command.url())
    host, port = parts.hostname, parts.port
    errors: list[str] = []
    counts = [0] * CLIENTS
    stop = threading.Event()

    def client(number: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        i = number
        while not stop.is_set():
            path = PATHS[i % len(PATHS)]
            i += 1
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != EXPECTED.get(path, 200):
                    errors.append(f"{path}: {response.status}")
                counts[number] += 1
            except (OSError, http.client.HTTPException) as error:
                errors.append(f"{path}: {type(error).__name__}: {error}")
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.close()

    def events() -> None:  # an open page's stream, held through every save
        conn = http.client.HTTPConnection(host, port, timeout=SECONDS + 10)
        conn.request("GET", "/__sitegen/events?path=/posts/first/&v=")
        response = conn.getresponse()
        if response.status != 200:
            errors.append(f"events: {response.status}")
        while not stop.is_set():
            if not response.fp.readline():
                break
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    threads.append(threading.Thread(target=events))
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)  # warm: every page rendered, every connection open
        warm = rss_mib(command.process.pid)
        peak = warm
        for second in range(SECONDS):
            post.write_text(original + f"\nSaved {second}.\n")
            time.sleep(1)
            peak = max(peak, rss_mib(command.process.pid))
    finally:
        stop.set()
        for thread in threads[:-1]:  # each client ends after its request in flight
            thread.join(timeout=15)
        code, _ = command.stop()  # which ends the event stream too
        threads[-1].join(timeout=15)

    assert errors == []
    assert min(counts) > 20  # every client was answered throughout
    assert peak - warm < GROWTH_MIB, (warm, peak, sum(counts))
    assert code == 0
