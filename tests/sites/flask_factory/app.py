import click

from sitegen import Blueprint, Site, current_app, url_for

pages = Blueprint("pages", __name__)


@pages.route("/")
def index():
    return f"<p>{current_app.config['EDITION']} edition</p>"


def create_app(edition="default"):
    """An app factory: each call builds a new site, as with Flask."""
    site = Site(__name__, static_folder=None)
    site.config["EDITION"] = edition
    site.register_blueprint(pages)

    @site.cli.command("hello")
    @click.argument("name")
    def hello(name):
        """Greet NAME with the site's edition."""
        click.echo(f"hello {name} from the {current_app.config['EDITION']} edition "
                   f"at {url_for('pages.index', _external=True)}")

    @site.cli.command(with_appcontext=False)
    def bare():
        click.echo("no site needed")

    return site
