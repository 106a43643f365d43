"""Every coloured badge of the stylesheet (a status on the lists) is readable: WCAG 2.1 AA asks
4.5:1 between its text and its background."""

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[1] / "static" / "web" / "app.css"
RULE = re.compile(
    r"([^{}]+)\{\s*background:\s*(#[0-9a-fA-F]{6});\s*color:\s*(#[0-9a-fA-F]{3,6});?\s*\}"
)


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


PAIRS = [(m[1].strip(), m[2], m[3]) for m in RULE.finditer(CSS.read_text())]


def test_the_stylesheet_has_coloured_badges():
    assert any(".practice-signed" in selector for selector, _, _ in PAIRS)


@pytest.mark.parametrize(("selector", "background", "colour"), PAIRS, ids=[p[0] for p in PAIRS])
def test_a_badges_text_is_readable_on_its_background(selector, background, colour):
    assert _contrast(background, colour) >= 4.5
