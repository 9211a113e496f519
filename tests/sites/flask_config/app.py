import json

from sitegen import Site

site = Site(__name__, static_folder=None)
site.config.from_object("settings.classes.Production")
loaded_missing = site.config.from_pyfile("missing.cfg", silent=True)
site.config.from_pyfile("site.cfg")
site.config.from_file("extra.json", load=json.load)
has_env_file = site.config.from_envvar("CONFIG_FILE", silent=True)
site.config.from_prefixed_env()


@site.route("/")
def index():
    c = site.config
    return (f"<p>{c['TITLE']} {c['COLOUR']} {c['SIZE']} {c['FROM_JSON']} "
            f"{c.get('FROM_ENV_FILE')} {c.get('PREFIXED')!r} {c.get('NESTED')!r} "
            f"{'lower_case' in c} missing={loaded_missing} env_file={has_env_file}</p>")
