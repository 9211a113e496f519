from sitegen import Site, render_template

site = Site(__name__)
#: The page whose view raises, and what it raises: tests set them to make a
#: build fail (or be interrupted) halfway.
FAIL_AT = None
FAILURE = RuntimeError


@site.route("/")
def index():
    return render_template("page.html", n=0)


@site.route("/pages/<int:n>/")
def page(n):
    if n == FAIL_AT:
        raise FAILURE(f"page {n} cannot be rendered")
    return render_template("page.html", n=n)


@site.generator
def page():  # noqa: F811 - the generator is named after its endpoint
    for n in range(1, 21):
        yield {"n": n}
