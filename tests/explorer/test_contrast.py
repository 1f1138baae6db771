"""Every text the explorer shows is readable: at least 4.5:1 against white (WCAG 2 AA, normal text).

The ratio is computed here from the colours themselves (WCAG's relative luminance), for the
palette in bpcore.explorer.numbers, for every colour that appears in the widget's HTML in
the states that use the coloured texts (warning, error, the verdicts of the maths pane), and
for every text drawn in the live views' picture.
"""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from bpcore.explorer import explorer  # noqa: E402
from bpcore.explorer import numbers  # noqa: E402
from bpcore.explorer.run import Run, lr_sweep  # noqa: E402
from bpcore.explorer.settings import Settings  # noqa: E402
from bpcore.explorer.views import ExplorerCanvas  # noqa: E402

WHITE = "#ffffff"
SMALL = dict(n=60, width=6, epochs=30)


def luminance(colour) -> float:
    """WCAG 2 relative luminance of a colour (any matplotlib colour spec)."""
    def linear(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in matplotlib.colors.to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg, bg=WHITE) -> float:
    lighter, darker = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_gives_the_known_ratios():
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast(WHITE) == pytest.approx(1.0)
    assert contrast("#777777") == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey
    assert contrast("#E69F00") == pytest.approx(2.25, abs=0.01)  # Okabe–Ito orange: too pale for text


@pytest.mark.parametrize("name, colour", sorted({**numbers.TEXT_COLOURS, **numbers.REGIME_COLOURS,
                                                **{f"verdict {k}": v for k, v in numbers._VERDICT_COLOUR.items()}
                                                }.items()))
def test_every_text_colour_of_the_palette_is_readable(name, colour):
    assert contrast(colour) >= 4.5, f"{name} {colour}: {contrast(colour):.2f}:1"


def _html_colours(ex) -> set:
    found = set()
    for widget in (ex.title, ex.edge, ex.loss_label, ex.status, ex.maths):
        found |= set(re.findall(r"color:\s*(#[0-9a-fA-F]{6})", widget.value))
    return found


def test_every_colour_in_the_widgets_html_is_readable():
    ex = explorer(mode="sync", **SMALL)
    seen = _html_colours(ex)
    ex.controls["eta"].value = 100.0  # a warning, and huge verdicts in the maths pane
    seen |= _html_colours(ex)
    ex.controls["eta"].value = float("nan")  # refused: an error line
    seen |= _html_colours(ex)
    ex.controls["eta"].value = 1e-4  # tiny steps: the blue verdict
    seen |= _html_colours(ex)
    ex.controls["eta"].value = 1.0
    seen |= _html_colours(ex)
    assert len(seen) >= 4  # several states were seen
    poor = {c: round(contrast(c), 2) for c in seen if contrast(c) < 4.5}
    assert not poor, poor


def test_every_text_in_the_picture_is_readable():
    run = Run(Settings(**SMALL, eta=30.0))
    run.advance(run.target)
    canvas = ExplorerCanvas()
    canvas.render(run, lr_sweep(run.settings, [0.01, 1.0, 30.0]))
    colours = {matplotlib.colors.to_hex(t.get_color()) for t in canvas.fig.findobj(matplotlib.text.Text)
               if t.get_visible() and t.get_text().strip()}
    assert numbers.REGIME_COLOURS["diverging"].lower() in colours  # the regime note was seen
    poor = {c: round(contrast(c), 2) for c in colours if contrast(c) < 4.5}
    assert not poor, poor
    plt.close("all")
