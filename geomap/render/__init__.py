"""Renderers: the interactive Folium map."""

from .interactive import build_map, render_html

__all__ = ["build_map", "render_html"]
