"""An Obsidian vault as people keep one: the notes folder is named like its route."""

from sitegen import Site, render_template

site = Site(__name__, static_folder=None)
notes = site.pages("notes", endpoint="note")


# The vault's pages and its attachments share the /notes/ prefix.
@site.route("/notes/<path:path>/")
def note(path):
    return render_template("page.html", page=notes.get_or_404(path))


@site.route("/tags/<tag>/")
def tag(tag):
    return render_template("tag.html", tag=tag, pages=notes.by_tag()[tag])
