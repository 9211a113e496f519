from sitegen import Site

docs = Site(__name__)


@docs.route("/")
def index():
    return "<p>The docs</p>"
