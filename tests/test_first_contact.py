"""What a newcomer meets in the first hour, where it crosses the Markdown engine."""

from __future__ import annotations

APP = """\
from sitegen import Site, render_template_string

site = Site(__name__, static_folder=None)
wiki = site.pages("content", endpoint="page")


@site.route("/<path:path>/")
def page(path):
    return render_template_string("<!doctype html><title>t</title>{{ p.html }}",
                                  p=wiki.get_or_404(path))
"""


def test_a_wiki_link_split_across_two_lines_links_or_warns(cli, tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "app.py").write_text(APP)
    (site / "content/packaging.md").write_text(
        "Work inside a [[Virtual environments|virtual\nenvironment]], never globally.\n")
    (site / "content/Virtual environments.md").write_text(
        "Links to [[packaging]].\n")
    result = cli("build", site, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out/packaging/index.html").read_text()
    linked = 'href="/Virtual%20environments/"' in page
    warned = "content/packaging.md:1" in result.stderr
    assert linked or warned, (page, result.stderr)
    assert "[[" not in page or warned
