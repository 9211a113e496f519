"""The sitegen user guide, built by sitegen with its default theme: ``sitegen build docs``."""

import inspect
import re
import textwrap
from functools import cached_property

from markupsafe import escape
from werkzeug.local import LocalProxy

from sitegen import Markup, Site, render_template
from sitegen.search import search_index

site = Site(__name__, theme="default")
site.config["SITE_NAME"] = "sitegen"
site.config["RELATIVE_URLS"] = True
site.config["NAV"] = [("Guide", "chapter", {"path": "index"}),
                      ("Quickstart", "chapter", {"path": "quickstart"}),
                      ("Tutorial", "chapter", {"path": "tutorial"}),
                      ("Templates", "chapter", {"path": "templates"}),
                      ("CLI", "chapter", {"path": "cli"}),
                      ("API", "api_reference"),
                      ("Troubleshooting", "chapter", {"path": "troubleshooting"})]

guide = site.pages("content", endpoint="chapter")


@site.context_processor
def navigation():
    """The guide's pages in reading order (front matter ``order``), for every page."""
    return {"chapters": guide.sorted(key=lambda page: (page.meta.get("order", 99), page.path))}


# content/index.md is the home page, at / (and /index/ redirects there).
@site.route("/", defaults={"path": "index"})
@site.route("/<path:path>/")
def chapter(path):
    return render_template("page.html", page=guide.get_or_404(path))


@site.route("/cli/reference/")
def cli_reference():
    """Every command's ``--help``, from the Click commands themselves: never out of date."""
    from sitegen.cli import main

    # Contexts made as the command line makes them, with its settings (``-h``), so the
    # help reads the same in any process, whatever ran before.
    with main.make_context("sitegen", [], resilient_parsing=True,
                           terminal_width=88) as parent:
        commands = [(name, command.get_help(command.make_context(
                        name, [], parent=parent, resilient_parsing=True)))
                    for name, command in sorted(main.commands.items())]
    return render_template("cli_reference.html", commands=commands)


@site.route("/api/")
def api_reference():
    """The Python API, from the objects' own signatures and docstrings: never out of date."""
    return render_template("api_reference.html", sections=api_sections())


def api_sections():
    """``(anchor, title, module docstring, entries)`` for each part of the public API."""
    import sitegen
    import sitegen.content
    import sitegen.feeds
    import sitegen.search
    import sitegen.sitemap

    exported = [name for name in sitegen.__all__ if name != "Site"]
    return [
        ("sitegen", "sitegen", sitegen.__doc__,
         [api_entry(name, getattr(sitegen, name)) for name in exported]),
        ("site", "sitegen.Site", None, [api_entry("Site", sitegen.Site, members=True)]),
        ("content", "sitegen.content", sitegen.content.__doc__,
         [api_entry(name, getattr(sitegen.content, name), members=True)
          for name in sitegen.content.__all__]),
        *[(module.__name__.rpartition(".")[2], module.__name__, module.__doc__,
           [api_entry(name, getattr(module, name), members=True)
            for name in api_names(module)])
          for module in (sitegen.feeds, sitegen.sitemap, sitegen.search)],
    ]


def api_names(module):
    """A module's ``__all__``, or the functions and classes defined in it, in source order."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [name for name, value in vars(module).items()
            if not name.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value))
            and value.__module__ == module.__name__]


def api_entry(name, value, *, members=False):
    """One documented name: ``{name, kind, signature, doc, members}``."""
    entry = {"name": name, "kind": "", "signature": "", "doc": "", "members": []}
    if isinstance(value, LocalProxy):
        entry["kind"] = "proxy"
        entry["doc"] = ("The object of the render in progress (a context-local proxy), "
                        "as in Flask.")
        return entry
    if inspect.isclass(value):
        entry["kind"] = "class"
    elif callable(value):
        entry["kind"] = "function"
    else:
        entry["kind"] = "value"
        entry["signature"] = " = " + repr(value)
        return entry
    try:
        entry["signature"] = signature_text(inspect.signature(value))
    except (TypeError, ValueError):
        pass
    entry["doc"] = inspect.getdoc(value) or ""
    if members and inspect.isclass(value):
        for member, attribute in sorted(inspect.getmembers(value)):
            raw = inspect.getattr_static(value, member)
            if member.startswith("_") or not (inspect.getdoc(attribute) or "").strip():
                continue
            if isinstance(raw, (property, cached_property)):
                kind, signature = "property", ""
            elif callable(attribute):
                kind = "classmethod" if isinstance(raw, classmethod) else "method"
                try:
                    signature = inspect.signature(attribute)
                    if kind == "method" and not isinstance(raw, staticmethod):
                        signature = signature.replace(  # drop self
                            parameters=list(signature.parameters.values())[1:])
                    signature = signature_text(signature)
                except (TypeError, ValueError):
                    signature = "(...)"
            else:
                continue
            if inspect.getdoc(attribute) == inspect.getdoc(type(attribute)) and kind != "property":
                continue  # a value whose docstring is only its type's
            entry["members"].append({"name": f"{name}.{member}", "kind": kind,
                                     "signature": signature,
                                     "doc": inspect.getdoc(attribute)})
    return entry


class _Annotation(str):
    """An annotation kept as text (``from __future__ import annotations``), shown unquoted."""

    def __repr__(self):
        return str(self)


def signature_text(signature):
    """``signature`` as Python writes it, with string annotations unquoted."""
    def plain(annotation):
        return _Annotation(annotation) if isinstance(annotation, str) else annotation

    return str(signature.replace(
        parameters=[parameter.replace(annotation=plain(parameter.annotation))
                    for parameter in signature.parameters.values()],
        return_annotation=plain(signature.return_annotation)))


@site.template_filter()
def docstring(text):
    """A reST-style docstring as HTML: paragraphs, ``::`` blocks as code, lists, ``code``."""
    def inline(source):
        return re.sub(r"(?::[a-z]+:)?`{1,2}~?([^`]+?)`{1,2}", r"<code>\1</code>",
                      str(escape(" ".join(source.split()))))

    def pre(source):
        return f"<pre><code>{escape(textwrap.dedent(source).strip(chr(10)))}</code></pre>"

    out, code, literal = [], [], False
    for chunk in re.split(r"\n\s*\n", inspect.cleandoc(text or "")):
        if literal and (chunk.startswith(" ") or not code):  # the block after ``::``
            code.append(chunk)
            continue
        if code:
            out.append(pre("\n\n".join(code)))
            code = []
        paragraph = chunk.rstrip()
        literal = paragraph.endswith("::")
        if literal:
            paragraph = paragraph[:-2].rstrip(" :") + (":" if paragraph[:-2].strip() else "")
        if not paragraph.strip():
            continue
        if paragraph.startswith(("- ", "* ")):
            items = re.split(r"\n[-*] ", "\n" + paragraph)[1:]
            out.append("<ul>" + "".join(f"<li>{inline(item)}</li>" for item in items) + "</ul>")
        elif chunk.startswith(" "):
            out.append(pre(chunk))
        else:
            out.append(f"<p>{inline(paragraph)}</p>")
    if code:
        out.append(pre("\n\n".join(code)))
    return Markup("\n".join(out))


@site.route("/changelog/")
def changelog():
    """The project's CHANGELOG.md, as it is in the repository."""
    import markdown

    with site.open_resource("../CHANGELOG.md", "r", encoding="utf-8") as file:
        html = markdown.markdown(file.read(), extensions=["toc"])
    return render_template("changelog.html", html=Markup(html))


@site.route("/search/")
def search():
    return render_template("search.html")


@site.route("/search.json")
def search_json():
    return search_index(guide)


@site.errorhandler(404)
def not_found(error):
    return render_template("404.html"), 404
