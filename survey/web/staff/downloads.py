"""File downloads of the staff pages: CSV and Excel with Chinese-safe file names."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Litestar adds "; charset=utf-8" to every text/* type itself.
CSV = "text/csv"


def attachment(content: bytes, filename: str, media_type: str) -> Response[bytes]:
    """``content`` as a download called ``filename`` (RFC 6266, with an ASCII fallback)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return Response(
        content=content,
        media_type=media_type,
        headers={
            "content-disposition": (
                f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
            )
        },
    )
