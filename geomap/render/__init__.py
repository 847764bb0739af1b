"""Renderers: the interactive Folium map (``interactive``) and the look every renderer shares
(``style``). Folium is imported only when a map is built."""

__all__ = ["build_map", "render_html", "write_html"]


def __getattr__(name: str):
    if name in __all__:
        from . import interactive

        return getattr(interactive, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
