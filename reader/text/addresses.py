"""Web addresses compared as a reader means them: the same page, whatever the link's dress.

Stdlib only, and cheap: the intake uses it to find an article already in the library, the
importer to match annotations made on another copy of the address.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Parameters that say where a click came from, never which page it is.
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "__s",
        "_ga",
        "_gl",
        "ncid",
        "cmpid",
        "spm",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_UNRESERVED = "-._~"


def is_web_address(text: str) -> bool:
    """Whether ``text`` is an http(s) address (what ``reader add`` fetches)."""
    return bool(re.match(r"(?i)https?://[^\s/?#]+", text.strip()))


def normalise_url(url: str) -> str:
    """``url`` in a form that is equal for two addresses of the same page.

    http and https are one, the host is lowercased without ``www.`` or a default port, the
    path without a trailing slash and with needless percent-escapes decoded, the query
    without tracking parameters (``utm_*``, ``fbclid``, ``gclid``...) and sorted, and the
    fragment is dropped. Anything that is not an http(s) address is returned stripped.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return text
    host = parts.hostname.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if port is not None and str(port) not in _DEFAULT_PORTS.values():
        host = f"{host}:{port}"
    path = _normal_path(parts.path)
    query = urlencode(
        sorted(
            (name, value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
            if not _tracking(name)
        )
    )
    return urlunsplit(("https", host, path, query, ""))


def _tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def _normal_path(path: str) -> str:
    # Decode, then encode again: "%7E" and "~", "%c3%a9" and "é" become one spelling,
    # while an encoded "/" stays encoded.
    safe = "!$&'()*+,;=:@" + _UNRESERVED
    segments = [quote(unquote(segment), safe=safe) for segment in path.split("/")]
    return "/".join(segments).rstrip("/")
