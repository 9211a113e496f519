"""A wiki with Obsidian embeds: images, files, audio, video and notes."""

from sitegen import Site, render_template

site = Site(__name__, static_folder=None)
wiki = site.pages("content/wiki", endpoint="wiki_page")


@site.route("/wiki/<path:path>/")
def wiki_page(path):
    return render_template("page.html", page=wiki.get_or_404(path))
