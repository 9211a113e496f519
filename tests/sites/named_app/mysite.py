from sitegen import Site

draft = Site(__name__)
blog = Site(__name__)


@blog.route("/")
def index():
    return "<p>The blog</p>"


@draft.route("/")
def draft_index():
    return "<p>The draft</p>"
