"""A small Obsidian-style vault: fences with info strings, callouts, highlights,
comments, tags, math, diagrams, block references and wiki-link details."""

from sitegen import Site, render_template

site = Site(__name__, static_folder=None)
vault = site.pages("content/vault", endpoint="note")


@site.route("/notes/<path:path>/")
def note(path):
    return render_template("page.html", page=vault.get_or_404(path))


@site.route("/tags/<tag>/")
def tag(tag):
    return render_template("tag.html", tag=tag)
