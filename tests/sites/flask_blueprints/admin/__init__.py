from sitegen import Blueprint, request, url_for

admin = Blueprint("admin", __name__)


@admin.route("/")
def dashboard():
    return (f"<p>{request.blueprint} {request.blueprints} {url_for('.dashboard')} "
            f"{url_for('shop.index')}</p>")
