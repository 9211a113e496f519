BASE_URL = "https://example.org/"
SITE_NAME = "Incremental"
