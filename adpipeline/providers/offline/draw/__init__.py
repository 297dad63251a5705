"""Procedural storyboard renderer: settings, products, figures and captions in Pillow.

Pictures are drawn, not generated: every shape comes from the request's words and a
seeded random generator, so the same request and seed always give the same bytes, and
each feedback adjustment changes exactly what it names. :func:`render` is the way in
(:mod:`.compose` says how a picture is built); :func:`draw_subject` paints what an
inpainting prompt names.

The modules, lowest first (each imports only those above it):

=================== ==========================================================
``words``           colours, shapes, time of day and framing from text; seeds
``palette``         colour maths, the light of each time of day, tints
``pen``             the supersampled drawing pen, fonts and text
``backdrops``       the empty settings, behind a registry of setting -> function
``figures``         how characters look, their poses, the figure
``products``        the product in one of eight shapes
``references``      colours and backdrop read back from the reference sheets
``plan``            what a picture will show, decided before drawing
``sheets``          the product, character and setting sheets
``frames``          storyboard frames: backdrop, framing, figures and product
``compose``         :func:`render`, :func:`render_png`, :func:`outfit_mask`
``subjects``        subjects painted into an inpainted region
=================== ==========================================================
"""

from __future__ import annotations

from .backdrops import resolve_setting
from .compose import outfit_mask, render, render_png
from .figures import FigureLook, dress, figure_colors, shirt_color
from .references import Look, read_references
from .subjects import draw_subject, subject_kind
from .words import parse_color, product_shape, resolve_framing, resolve_time

__all__ = [
    "FigureLook",
    "Look",
    "draw_subject",
    "dress",
    "figure_colors",
    "outfit_mask",
    "parse_color",
    "product_shape",
    "read_references",
    "render",
    "render_png",
    "resolve_framing",
    "resolve_setting",
    "resolve_time",
    "shirt_color",
    "subject_kind",
]
