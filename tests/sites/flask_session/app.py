from sitegen import Site, flash, get_flashed_messages, render_template_string, session

site = Site(__name__, static_folder=None)


@site.route("/")
def index():
    return render_template_string("{% for m in get_flashed_messages() %}{{ m }}{% endfor %}"
                                  "<p>no messages: {{ messages }}</p>",
                                  messages=get_flashed_messages())


@site.route("/cart/")
def cart():
    return f"<p>{session.get('items', [])}</p>"


@site.route("/saved/")
def saved():
    flash("Saved!")
    return "<p>saved</p>"
