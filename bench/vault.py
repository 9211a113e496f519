"""Obsidian vault benchmark: cold and warm builds of a generated vault of N notes.

The vault is written deterministically (``--seed``) into a temporary folder, as
people keep one: notes in nested folders with spaces in their names, front
matter ``aliases`` (names and old URLs) and ``tags``, ``[[wiki links]]`` by
name, by alias and to headings, Markdown links without ``.md``, transclusions
(``![[Note]]`` and ``![[Note#Heading]]``, one note in ten), callouts, inline
``#tags`` and an image embed; its ``app.py`` serves the notes at
``/notes/<path:path>/`` with the attachments under the same prefix.

Each build is a fresh ``sitegen build`` process, timed by wall clock, RUNS of
each, medians reported:

1. **cold**: no output folder, no cache;
2. **warm**: nothing changed since the previous build;
3. **edit**: a sentence appended to one note (a different one each run),
   which re-renders that note and the notes that embed it or list it.

Each with each Markdown engine (``commonmark`` needs the ``fast`` extra).  After
the runs, a ``--clean`` build of the same state must give a byte-identical
tree.  A table goes to stdout::

    python bench/vault.py                  # N=2000, 3 runs
    python bench/vault.py --notes 500 --runs 1
"""

from __future__ import annotations

import argparse
import filecmp
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SITEGEN = [sys.executable, "-m", "sitegen"]
FOLDERS = ["Projects", "Projects/Archive", "Reading", "Reading/Papers", "Daily", "Ideas",
           "Reference/Python", "Reference/Web"]
WORDS = ("static site note link vault page build graph idea draft python markdown "
         "heading folder alias tag embed section template garden web server").split()
CALLOUTS = ["note", "tip", "warning", "faq", "example"]

APP = '''"""A generated Obsidian vault."""

from sitegen import Site, render_template

site = Site(__name__, static_folder=None)
site.config["MARKDOWN_ENGINE"] = {engine!r}
notes = site.pages("notes", endpoint="note")


@site.route("/notes/<path:path>/")
def note(path):
    return render_template("note.html", page=notes.get_or_404(path))


@site.route("/tags/<tag>/")
def tag(tag):
    return render_template("tag.html", tag=tag, pages=notes.by_tag()[tag])
'''
NOTE_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><h1>{{ page.title }}</h1>
<article>{{ page.html }}</article>
<ul>{% for other in page.backlinks %}<li><a href="{{ other.url }}">{{ other.title }}</a></li>
{% endfor %}</ul></body></html>
"""
TAG_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ tag }}</title></head>
<body><h1>{{ tag }}</h1><ul>{% for page in pages %}
<li><a href="{{ page.url }}">{{ page.title }}</a></li>{% endfor %}</ul></body></html>
"""


def sentence(rng: random.Random, n: int = 12) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def write_vault(root: Path, notes: int, engine: str, seed: int) -> list[Path]:
    """The vault's files under ``root``; the note files, in order."""
    rng = random.Random(seed)
    (root / "templates").mkdir(parents=True)
    (root / "templates/note.html").write_text(NOTE_TEMPLATE)
    (root / "templates/tag.html").write_text(TAG_TEMPLATE)
    (root / "app.py").write_text(APP.format(engine=engine))
    (root / "notes/attachments").mkdir(parents=True)
    (root / "notes/attachments/figure.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    names = [f"Note {k:05d} {rng.choice(WORDS)}" for k in range(notes)]
    folders = [FOLDERS[k % len(FOLDERS)] for k in range(notes)]
    files = []
    for k, name in enumerate(names):
        other = [rng.randrange(notes) for _ in range(6)]
        lines = ["---", f"aliases: [{name.lower()} alias, /old/{k}/]",
                 f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]", "---", "",
                 f"# {name}", "", sentence(rng, 30), "",
                 f"See [[{names[other[0]]}]], [[{names[other[1]].lower()} alias|its alias]] "
                 f"and [[{names[other[2]]}#Details]]; also "
                 f"[a plain link](/{folders[other[3]]}/{names[other[3]]}) #{rng.choice(WORDS)}.",
                 "", f"> [!{rng.choice(CALLOUTS)}] {sentence(rng, 4)}", f"> {sentence(rng)}",
                 "", "## Details", "", sentence(rng, 40), "", "- " + sentence(rng),
                 "- " + sentence(rng), "", "## More", "", sentence(rng, 25), ""]
        if k % 10 == 0:
            lines += [f"![[{names[other[4]]}#Details]]", "", f"![[{names[other[5]]}]]", ""]
        if k % 50 == 0:
            lines += ["![[figure.png|320]]", ""]
        path = root / "notes" / folders[k] / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines))
        files.append(path)
    return files


def timed_build(site: Path, out: Path, *args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([*SITEGEN, "build", str(site), "-o", str(out), *args],
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"the build failed:\n{result.stdout}\n{result.stderr}")
    return seconds


def same_tree(a: Path, b: Path) -> bool:
    def walk(cmp: filecmp.dircmp[str]) -> bool:
        if cmp.left_only or cmp.right_only or cmp.funny_files:
            return False
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files,
                                               shallow=False)
        return not mismatch and not errors and all(walk(s) for s in cmp.subdirs.values())
    return walk(filecmp.dircmp(a, b))


def bench_engine(engine: str, notes: int, runs: int, seed: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"cold": [], "warm": [], "edit": []}
    with tempfile.TemporaryDirectory() as tmp:
        site, out = Path(tmp, "vault"), Path(tmp, "out")
        files = write_vault(site, notes, engine, seed)
        time.sleep(1.1)  # past the file system's clock tick: a vault's notes are not new
        for run in range(runs):
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
            times["cold"].append(timed_build(site, out))
            times["warm"].append(timed_build(site, out))
            edited = files[(run * 7919) % len(files)]
            with edited.open("a") as f:
                f.write(f"\nEdited in run {run}.\n")
            times["edit"].append(timed_build(site, out))
            time.sleep(1.1)
        timed_build(site, Path(tmp, "clean"), "--clean")
        if not same_tree(out, Path(tmp, "clean")):
            raise SystemExit(f"{engine}: the incremental output differs from a clean build")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default="markdown,commonmark")
    args = parser.parse_args()
    rows = []
    for engine in args.engines.split(","):
        times = bench_engine(engine, args.notes, args.runs, args.seed)
        rows.append((engine, *(statistics.median(times[k]) for k in ("cold", "warm", "edit"))))
    print(f"Vault of {args.notes} notes, median of {args.runs} runs (seconds, wall clock)\n")
    print("| engine | cold | warm (no change) | one note edited |")
    print("|---|---:|---:|---:|")
    for engine, cold, warm, edit in rows:
        print(f"| {engine} | {cold:.2f} | {warm:.2f} | {edit:.2f} |")


if __name__ == "__main__":
    main()
