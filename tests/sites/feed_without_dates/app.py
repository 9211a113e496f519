"""A feed of pages that have no dates: an error that names the page."""

from sitegen import Site
from sitegen.feeds import atom_feed

site = Site(__name__)
site.config["BASE_URL"] = "https://example.org/"


@site.route("/feed.atom")
def feed():
    return atom_feed([{"title": "Undated", "url": "/undated/"}], title="Undated things")
