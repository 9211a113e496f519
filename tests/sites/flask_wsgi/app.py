"""A WSGI app with no framework: no URL map, so the build crawls it."""

PAGES = {
    "/": '<a href="/one/">one</a> <link rel="stylesheet" href="/style.css">',
    "/one/": '<a href="../two/">two</a> <a href="https://elsewhere.example/">out</a>',
    "/two/": "<p>two</p>",
    "/hidden/": "<p>linked from nowhere; listed in urls.txt</p>",
    "/style.css": 'body { background: url("/dot.txt"); }',
    "/dot.txt": ".",
}
TYPES = {".css": "text/css", ".txt": "text/plain"}


def application(environ, start_response):
    path = environ["PATH_INFO"]
    body = PAGES.get(path)
    if body is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    kind = next((t for ext, t in TYPES.items() if path.endswith(ext)), "text/html")
    start_response("200 OK", [("Content-Type", f"{kind}; charset=utf-8")])
    return [body.encode()]
