"""The stepper's network diagram: colours follow the step's values, marks follow its equation."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bpcore.figures.style import OKABE_ITO  # noqa: E402
from bpcore.stepper import Setup, Walk  # noqa: E402
from bpcore.stepper.drawing import CMAP, UNKNOWN, NetworkDiagram, legend, pretty, step_strip  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _position(walk, kind, layer):
    return [(s.kind, s.layer) for s in walk.steps].index((kind, layer))


def _draw(walk, position, j=1, k=1):
    diagram = NetworkDiagram(walk.net.sizes)
    walk.go(position)
    walk.pick(j, k)
    diagram.draw(walk.bp, walk.view(), walk.picture())
    return diagram


def _colour(value, scale):
    return np.array(CMAP(0.5 + 0.5 * value / scale))


def test_the_colours_come_from_the_series_palette():
    assert np.allclose(CMAP(0.0)[:3], matplotlib.colors.to_rgb(OKABE_ITO["blue"]))
    assert np.allclose(CMAP(1.0)[:3], matplotlib.colors.to_rgb(OKABE_ITO["vermillion"]))


def test_forward_step_colours_the_computed_neurons_and_the_weights():
    walk = Walk(index=3)
    d = _draw(walk, _position(walk, "z", 2), j=2)
    pic, g = walk.picture(), walk.bp.grads
    fills = d.diagram.nodes.get_facecolors()
    start = 2 + 3  # layers 0 and 1 come first
    assert np.allclose(fills[start + 1], _colour(g.z[2][1, 0], pic.scale["z"]))        # z^2_2
    assert np.allclose(fills[2], _colour(g.a[1][0, 0], pic.scale["a"]))                # a^1_1
    assert all(np.allclose(f, matplotlib.colors.to_rgba(UNKNOWN)) for f in fills[start + 3:])  # layer 3
    edges = d.diagram.edges[2].get_colors()
    w = walk.net.w[2]
    assert np.allclose(edges, [_colour(v, pic.scale["w"]) for v in w.ravel()])
    # z^2_2 reads w^2_21, w^2_22, w^2_23: those three edges are outlined, the neuron ringed
    assert len(d.diagram.halo.get_segments()) == 3
    assert np.allclose(d.diagram.rings.get_offsets()[0], d.diagram.pos[2][1])
    assert d.diagram.texts[start + 1].get_text() == f"{g.z[2][1, 0]:.2g}".replace("-", "−")


def test_backward_steps_show_delta_flowing_back_and_the_gradients():
    walk = Walk(index=3)
    d = _draw(walk, _position(walk, "BP2", 2))
    fills = d.diagram.nodes.get_facecolors()
    white = matplotlib.colors.to_rgba(UNKNOWN)
    assert all(np.allclose(f, white) for f in fills[2:5])       # δ^1 not computed yet
    assert not any(np.allclose(f, white) for f in fills[5:])    # δ^2, δ^3
    assert d.diagram.arrow.get_visible() and "δ³ flows back into δ²" in d.diagram.arrow_text.get_text()
    assert legend(walk.picture()).startswith("neurons: δ · edges: not computed yet")
    d = _draw(walk, _position(walk, "BP4", 3), j=2, k=1)
    pic = walk.picture()
    assert np.allclose(d.diagram.edges[3].get_colors(),
                       [_colour(v, pic.scale["∂C/∂w"]) for v in walk.bp.grads.grad_w[3].ravel()])
    assert not d.diagram.arrow.get_visible()
    (segment,) = d.diagram.halo.get_segments()
    assert np.allclose(segment, [d.diagram.pos[2][0], d.diagram.pos[3][1]])          # w^3_21


def test_circles_never_read_minus_zero():
    walk = Walk(Setup(sizes=(2, 8, 2), hidden="relu", cost="softmax_cross_entropy", init="he", seed=4), index=1)
    d = _draw(walk, _position(walk, "BP2", 1))
    delta = walk.bp.grads.delta[1]
    assert np.any((delta == 0) & np.signbit(delta))            # dead ReLUs give δ = −0.0 ...
    assert all(t.get_text() != "−0" for t in d.diagram.texts)  # ... shown as 0


def test_render_gives_a_png_that_changes_with_the_step_and_repeats_exactly():
    walk = Walk(index=3)
    diagram = NetworkDiagram(walk.net.sizes, dpi=80)
    frames = []
    for position in (0, 8, 0):
        walk.go(position)
        frames.append(diagram.render(walk.bp, walk.view(), walk.picture()))
    assert all(f.startswith(PNG) for f in frames)
    width, height = (int.from_bytes(frames[0][16:20], "big"), int.from_bytes(frames[0][20:24], "big"))
    assert (width, height) == tuple(round(v * 80) for v in diagram.figure.get_size_inches())
    assert frames[0] != frames[1] and frames[0] == frames[2]


def test_the_strip_draws_the_key_steps_with_their_equations():
    walk = Walk(index=3)
    walk.pick(2, 1)
    fig = step_strip(walk)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(fig.axes) == 12 and len(titles) == 6
    assert [t.split(": ", 1)[1].split(",")[0].split(" ")[0] for t in titles] == [
        "Forward", "The", "BP1", "BP2", "BP4", "Update"]
    texts = "\n".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "δ¹₂ = (w²₁₂ δ²₁ + w²₂₂ δ²₂ + w²₃₂ δ²₃) σ'(z¹₂)" in texts
    assert "finite differences" in texts
    one_layer = Walk(Setup(sizes=(2, 1), cost="cross_entropy"), index=0)
    assert len(step_strip(one_layer).axes) == 10          # no BP2 without a hidden layer
    with pytest.raises(ValueError, match="key steps"):
        step_strip(one_layer, key_steps=(("BP2", "1"),))


def test_pretty_writes_indices_as_unicode():
    assert pretty("δ^2_1 = (w^3)^T δ^3") == "δ²₁ = (w³)ᵀ δ³"
    assert pretty("∂C/∂w^2_13") == "∂C/∂w²₁₃" and pretty("Σ_j (a^3_j − y_j)²") == "Σⱼ (a³ⱼ − yⱼ)²"
