"""``sitegen serve`` as a command: what it prints, how it binds, how it stops."""

from __future__ import annotations

import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

SITEGEN = Path(sys.executable).with_name("sitegen")
URL = re.compile(r"^Serving .+ at (http://\S+)  \(Ctrl-C to stop\)$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Command:
    """``sitegen serve ARGS`` in a subprocess, its output read line by line."""

    def __init__(self, *args: str | Path) -> None:
        self.process = subprocess.Popen(
            [SITEGEN, "serve", *map(str, args)], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, bufsize=1,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def line(self, timeout: float = 10) -> str:
        """The next line of output (the command flushes each line)."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self.process.kill()
            raise AssertionError(f"no output in {timeout} s") from None
        assert line is not None, "the command ended"
        return line

    def url(self) -> str:
        while True:
            match = URL.match(self.line())
            if match:
                return match[1]

    def stop(self, signum: int = signal.SIGINT) -> tuple[int, str]:
        """Ctrl-C (or ``signum``), then the exit code and what it printed after."""
        self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        rest = []
        while (line := self._lines.get(timeout=10)) is not None:
            rest.append(line)
        return code, "\n".join(rest)


def test_serve_prints_the_url_serves_and_exits_cleanly_on_ctrl_c(copy_site):
    port = free_port()
    command = Command(copy_site("serve_blog"), "--port", port)
    url = command.url()
    assert url == f"http://127.0.0.1:{port}/"
    with urllib.request.urlopen(url + "about") as response:
        assert b'<h1 id="title">About</h1>' in response.read()
    code, rest = command.stop()
    assert code == 0
    assert rest.strip() == "Stopped."
    assert "Traceback" not in rest


def test_request_lines_are_printed_only_with_verbose(copy_site):
    site = copy_site("serve_blog")
    quiet = Command(site, "--port", "0")
    url = quiet.url()
    urllib.request.urlopen(url + "about").close()
    _, rest = quiet.stop()
    assert "GET /about" not in rest
    verbose = Command(site, "--port", "0", "--verbose")
    url = verbose.url()
    urllib.request.urlopen(url + "about").close()
    _, rest = verbose.stop()
    assert re.search(r'"GET /about HTTP/1\.1" 200', rest), rest


def test_a_line_is_printed_per_change(copy_site):
    site = copy_site("serve_blog")
    command = Command(site, "--port", "0")
    command.url()
    (site / "posts/first.txt").write_text("First post\nChanged.\n")
    line = command.line()
    assert re.fullmatch(r"\d\d:\d\d:\d\d posts/first\.txt changed: 0 open pages re-rendered, "
                        r"0 reloaded \(\d+ ms\)", line), line
    assert command.stop()[0] == 0


def test_another_host_than_loopback_is_warned_about(copy_site):
    command = Command(copy_site("serve_blog"), "--host", "0.0.0.0", "--port", "0")
    first = command.line()
    assert first.startswith("warning: serving on 0.0.0.0 lets other machines")
    command.url()
    assert command.stop()[0] == 0


def test_open_starts_a_browser_on_the_url(copy_site, tmp_path, monkeypatch):
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(f"#!{sys.executable}\nimport sys\n"
                       f"open({str(opened)!r}, 'w').write(sys.argv[1])\n")
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(browser))
    command = Command(copy_site("serve_blog"), "--port", "0", "--open")
    url = command.url()
    deadline = time.monotonic() + 10
    while not (opened.exists() and opened.read_text()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert command.stop()[0] == 0
    assert opened.read_text() == url


def test_a_port_in_use_is_an_error(copy_site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([SITEGEN, "serve", copy_site("serve_blog"), "--port", str(port)],
                                capture_output=True, text=True, timeout=20)
    assert result.returncode == 1
    assert f"error: Cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr


def test_a_missing_site_folder_is_an_error(tmp_path):
    result = subprocess.run([SITEGEN, "serve", tmp_path / "nowhere"], capture_output=True,
                            text=True, timeout=20)
    assert result.returncode == 2  # a usage error, as the CLI reference says
    assert "does not exist" in result.stderr


def test_sigterm_stops_it_as_ctrl_c_does(copy_site):
    command = Command(copy_site("serve_blog"), "--port", "0")
    command.url()
    assert command.stop(signal.SIGTERM) == (0, "Stopped.")


def test_a_render_error_is_printed_in_the_terminal_once(copy_site):
    site = copy_site("serve_blog")
    command = Command(site, "--port", "0")
    url = command.url()
    (site / "templates/post.html").write_text("{% extends 'base.html' %}{{ post.title( }}")
    assert " changed: " in command.line()
    for _ in range(2):  # the browser shows the error; a reload does not print it again
        try:
            urllib.request.urlopen(url + "posts/first/").close()
        except urllib.error.HTTPError as error:
            assert error.code == 500
    assert command.line().startswith("error: templates/post.html:1: template syntax error:")
    lines = [command.line()]
    while not lines[-1].startswith("hint: "):
        lines.append(command.line())
    _, rest = command.stop()
    assert "error: " not in rest


def test_editors_temporary_files_are_not_changes(copy_site):
    site = copy_site("serve_blog")
    command = Command(site, "--port", "0")
    command.url()
    for name in ("sedAb12Cd", "#first.txt#", "4913", "first.txt~", ".first.txt.swp"):
        (site / "posts" / name).write_text("scratch\n")
    subprocess.run(["sed", "-i", "s/First post/First!/", site / "posts/first.txt"], check=True)
    line = command.line()
    assert re.fullmatch(r"\d\d:\d\d:\d\d posts/first\.txt changed: .*", line), line
    assert command.stop()[0] == 0
