from sitegen import Blueprint, render_template, url_for

shop = Blueprint("shop", __name__, url_prefix="/shop", template_folder="templates",
                 static_folder="static")


@shop.context_processor
def shop_only():
    return {"scope": "shop"}


@shop.route("/")
def index():
    return render_template("shop/index.html", here=url_for(".index"),
                           item=url_for(".item", number=2))


@shop.route("/items/<int:number>/")
def item(number):
    if number > 2:
        raise LookupError(number)
    return render_template("shop/item.html", number=number)


@shop.generator("item")
def items():
    yield {"number": 1}
    yield {"number": 3}


@shop.errorhandler(LookupError)
def no_such_item(error):
    return f"<p>no item {error.args[0]} in the shop</p>"
