from flask import Blueprint, jsonify, url_for

news = Blueprint("news", __name__)
STORIES = {"launch": "We launched", "update": "An update"}


@news.route("/")
def index():
    links = "".join(f'<a href="{url_for(".story", slug=s)}">{s}</a>' for s in STORIES)
    return f"<h1>News</h1>{links}<a href=\"{url_for('.feed')}\">feed</a>"


@news.route("/<slug>/")
def story(slug):
    return f"<h1>{STORIES[slug]}</h1>"


@news.route("/feed.json")
def feed():
    return jsonify(stories=sorted(STORIES))
