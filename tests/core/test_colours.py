"""Text on the schema's colours meets WCAG 2.2 AA (4.5:1), whatever colour a new area or theme brings."""

from __future__ import annotations

import pytest

from mc2cm.colours import AA_TEXT, BLACK, WHITE, contrast, text_on
from mc2cm.schema import FALLBACK_COLOURS, current_package


def test_contrast_matches_wcags_examples() -> None:
    assert contrast(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast("#777777", WHITE) == pytest.approx(4.48, abs=0.01)  # the classic "just fails" grey
    assert contrast("#fff", "#FFFFFF") == pytest.approx(1.0)


def test_every_chip_colour_gets_readable_text() -> None:
    colours = set(FALLBACK_COLOURS)
    for vocabulary in current_package().vocabularies.values():
        colours |= set(vocabulary.palette().values())
    assert len(colours) > 10
    for colour in colours:
        assert contrast(text_on(colour), colour) >= AA_TEXT, colour


def test_control_white_text_alone_fails_on_the_area_colours() -> None:
    palette = current_package().vocabulary("area").palette()
    assert [area for area, colour in palette.items() if contrast(WHITE, colour) < AA_TEXT]  # why text_on exists
