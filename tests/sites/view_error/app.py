from sitegen import Site

site = Site(__name__)


def average(values):
    return sum(values) / len(values)


@site.route("/")
def index():
    return '<a href="/stats/">Statistics</a>'


@site.route("/stats/")
def stats():
    return f"<p>Mean: {average([])}</p>"
