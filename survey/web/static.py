"""The static files (one stylesheet, one script), addressed so that a phone fetches each once.

Trainees are on WeChat over weak networks, and every page draws the stylesheet. Its pages link
``/static/style.css?v=<digest of its content>``: a request whose ``v`` is the current digest
may be cached for a year without asking again, because another content has another address;
an upgrade changes the digest, and the next page (never cached itself) links the new file. A
request without it, or with an old one, gets ``no-cache`` and is checked every time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

__all__ = ["DIRECTORY", "PREFIX", "StaticFiles"]

DIRECTORY = Path(__file__).parent / "static"
PREFIX = "/static/"


@dataclass(frozen=True)
class StaticFiles:
    """The digest of each static file, read once when the app is built."""

    digests: dict[str, str]

    @classmethod
    def read(cls, directory: Path = DIRECTORY) -> StaticFiles:
        """Digest every file of ``directory`` (a few kilobytes: read at start-up, not per page)."""
        return cls(
            {
                path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:12]
                for path in sorted(directory.iterdir())
                if path.is_file()
            }
        )

    def url(self, name: str) -> str:
        """The address of static file ``name`` for a page to link (Jinja global ``static_url``)."""
        return f"{PREFIX}{name}?v={self.digests[name]}"

    def is_versioned(self, path: str, query_string: bytes) -> bool:
        """True when ``path`` and ``query_string`` name a static file at its current digest."""
        if not path.startswith(PREFIX):
            return False
        digest = self.digests.get(path.removeprefix(PREFIX))
        asked = parse_qs(query_string.decode("latin-1")).get("v")
        return digest is not None and asked == [digest]
