"""Colour contrast as WCAG 2.2 computes it: text on coloured chips stays readable (1.4.3, 4.5:1)."""

from __future__ import annotations

BLACK = "#000000"
WHITE = "#ffffff"
AA_TEXT = 4.5  # WCAG 2.2, 1.4.3: normal text


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of ``#rrggbb`` (or ``#rgb``)."""
    code = colour.lstrip("#")
    if len(code) == 3:
        code = "".join(part * 2 for part in code)
    red, green, blue = (int(code[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two colours, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    return BLACK if contrast(BLACK, background) >= contrast(WHITE, background) else WHITE
