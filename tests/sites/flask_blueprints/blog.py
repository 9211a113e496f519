from sitegen import Blueprint, request, url_for

blog = Blueprint("blog", __name__)


@blog.route("/<slug>/")
def post(slug):
    return f"<p>{request.blueprint}: {slug} at {url_for('.post', slug=slug)}</p>"


@blog.app_template_filter("shout")
def shout(text):
    return text.upper() + "!"


@blog.generator("post")
def posts():
    yield {"slug": "first"}
