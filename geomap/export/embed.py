"""A snippet that puts the self-contained map into an existing HTML briefing page.

The map goes into an ``<iframe>``: its styles and scripts cannot touch the host page, nor the
host page's styles the map. By default the whole map travels inside the snippet (``srcdoc``),
so the briefing is one file; with ``src`` the frame loads a map file published beside it.
"""

from __future__ import annotations

import html

__all__ = ["embed_snippet"]

# Scripts run (the map is drawn by them), evidence links open in a new tab; the framed map
# gets an opaque origin: no access to the host page, its cookies or storage.
SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox"
FRAME_STYLE = "display:block;width:100%;aspect-ratio:16/9;min-height:420px;border:0;margin:0;padding:0"


def embed_snippet(page: str | None, *, title: str, src: str | None = None) -> str:
    """The ``<iframe>`` element (with a comment saying what it is) for a map ``page``, or for
    the map file at ``src`` when given."""
    target = f'src="{html.escape(src, quote=True)}"' if src else f'srcdoc="{html.escape(page or "", quote=True)}"'
    return (f"<!-- geomap: {html.escape(title).replace('--', '- -')}. Paste this element into the briefing page; "
            "the map needs no network and its styles stay inside the frame. -->\n"
            f'<iframe title="{html.escape(title, quote=True)}" {target} sandbox="{SANDBOX}" '
            f'allow="fullscreen" allowfullscreen loading="lazy" referrerpolicy="no-referrer" '
            f'style="{FRAME_STYLE}"></iframe>\n')
