"""The sitegen user guide, built by sitegen with its default theme: ``sitegen build docs``."""

from sitegen import Site, render_template
from sitegen.search import search_index

site = Site(__name__, theme="default")
site.config["SITE_NAME"] = "sitegen"
site.config["RELATIVE_URLS"] = True
site.config["NAV"] = [("Guide", "chapter", {"path": "index"}),
                      ("Quickstart", "chapter", {"path": "quickstart"}),
                      ("Templates", "chapter", {"path": "templates"}),
                      ("CLI", "chapter", {"path": "cli"})]

guide = site.pages("content", endpoint="chapter")


@site.context_processor
def navigation():
    """The guide's pages in reading order (front matter ``order``), for every page."""
    return {"chapters": guide.sorted(key=lambda page: (page.meta.get("order", 99), page.path))}


# content/index.md is the home page, at / (and /index/ redirects there).
@site.route("/", defaults={"path": "index"})
@site.route("/<path:path>/")
def chapter(path):
    return render_template("page.html", page=guide.get_or_404(path))


@site.route("/cli/reference/")
def cli_reference():
    """Every command's ``--help``, from the Click commands themselves: never out of date."""
    from sitegen.cli import main

    # Contexts made as the command line makes them, with its settings (``-h``), so the
    # help reads the same in any process, whatever ran before.
    with main.make_context("sitegen", [], resilient_parsing=True,
                           terminal_width=88) as parent:
        commands = [(name, command.get_help(command.make_context(
                        name, [], parent=parent, resilient_parsing=True)))
                    for name, command in sorted(main.commands.items())]
    return render_template("cli_reference.html", commands=commands)


@site.route("/search/")
def search():
    return render_template("search.html")


@site.route("/search.json")
def search_json():
    return search_index(guide)


@site.errorhandler(404)
def not_found(error):
    return render_template("404.html"), 404
