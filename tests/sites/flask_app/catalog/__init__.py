from flask import Blueprint, render_template, url_for

catalog = Blueprint("catalog", __name__, template_folder="templates",
                    static_folder="static")
PRODUCTS = {1: "Kettle", 2: "Teapot", 3: "Cup"}


@catalog.route("/")
def index():
    return render_template("catalog/index.html", products=PRODUCTS)


@catalog.route("/<int:id>/")
def product(id):
    return render_template("catalog/product.html", name=PRODUCTS[id],
                           back=url_for(".index"))


def product_urls():
    """The products' URLs: a route with an argument needs a generator."""
    for id in PRODUCTS:
        yield "catalog.product", {"id": id}
