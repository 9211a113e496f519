"""The shop: a blueprint with its own templates and static files, under ``/shop/``."""

from flask import Blueprint, abort, render_template

PRODUCTS = {
    "kettle": ("Kettle", "Boils a litre in three minutes, and says so."),
    "teapot": ("Teapot", "Short and stout; the handle is on the usual side."),
    "mug": ("Mug", "Holds what the teapot pours, twice."),
}

shop = Blueprint("shop", __name__, template_folder="templates", static_folder="static")


@shop.route("/")
def catalogue():
    return render_template("shop/catalogue.html", products=PRODUCTS)


@shop.route("/<slug>/")
def product(slug):
    if slug not in PRODUCTS:
        abort(404)
    name, blurb = PRODUCTS[slug]
    return render_template("shop/product.html", slug=slug, name=name, blurb=blurb)
