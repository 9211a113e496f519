BASE_URL = "https://example.org/"
