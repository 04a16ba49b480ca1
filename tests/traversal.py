"""Private files placed in MEDIA_ROOT, and every way a URL path might try to reach them.

Shared by the in-process tests (tests/civportal/test_media.py, DEBUG on and off) and the
production test over real HTTP (tests/production/).
"""

from pathlib import Path
from urllib.parse import quote

# Where the portal used to store private files, under names anyone could guess. Each holds
# MARKER, which must never appear in a response body.
MARKER = b"PRIVATE-"
PRIVATE_FILES = {
    "mous/2026/mou-2.pdf": b"%PDF-1.7\n% PRIVATE-SIGNED-MOU\n",
    "reports/1/province-52.pdf": b"%PDF-1.7\n% PRIVATE-REPORT\n",
    "visits/2026/11/visit.jpg": b"\xff\xd8\xff PRIVATE-VISIT-PHOTO",
    "materials/2026/11/handout.svg": b"<svg xmlns='http://www.w3.org/2000/svg'>"
    b"<script>PRIVATE-MATERIAL</script></svg>",
}


def place_private_files(media_root: Path) -> None:
    for name, content in PRIVATE_FILES.items():
        path = media_root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


# Ways of writing "../" that a server, a framework or a file system might decode to it.
PARENT_STEPS = [
    "../",
    "..%2f",
    "..%2F",
    "%2e%2e%2f",
    "%2e%2e/",
    "..%252f",
    "%252e%252e%252f",
    "..\\",
    "..%5c",
    "..%5C",
    "%2e%2e%5c",
    "..%255c",
    "%E2%80%A4%E2%80%A4/",  # ONE DOT LEADER ×2
    "%E2%80%A5%2f",  # TWO DOT LEADER
    "%EF%BC%8E%EF%BC%8E%EF%BC%8F",  # fullwidth ．．／
    ".." + quote("％２ｆ"),  # a fullwidth percent sign, digit two and f
    "%c0%ae%c0%ae%c0%af",  # overlong UTF-8
    "....//",
    ".%2e/",
]
PREFIXES = [
    "/media/",
    "/media/products/",
    "/media/communities/",
    "/media/products/2026/",
    "/photos/product/1/large/",
    "/photos/community/1/",
    "/static/",
]


def traversal_paths(media_root: Path, names=PRIVATE_FILES) -> list[str]:
    """Request paths (already percent-encoded as sent on the wire) aimed at each file named."""
    paths = []
    for name in names:
        encoded = quote(name)
        for prefix in PREFIXES:
            # "/media/products/" is one folder below MEDIA_ROOT: one step up reaches it.
            # One step more is tried too, for routes that map to nothing on disk.
            below = prefix.strip("/").count("/")
            for depth in sorted({max(below, 1), below + 1}):
                paths += [prefix + step * depth + encoded for step in PARENT_STEPS]
        # The file asked for directly, and by its absolute path on the server.
        absolute = quote(str(media_root / name))
        paths += [
            "/media/" + encoded,
            "/media/" + encoded.replace("/", "%2f"),
            "/media" + absolute,
            "/media/products/" + absolute.replace("/", "%2f"),
            "/media//" + absolute.lstrip("/"),
            "/media/products/%2f" + absolute.lstrip("/"),
            "/photos/product/1/" + absolute.replace("/", "%2f"),
        ]
    return paths
