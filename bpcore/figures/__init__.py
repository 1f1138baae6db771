"""Static figures: what a notebook or handout draws from numbers computed elsewhere.

- :mod:`bpcore.figures.style`     palette, markers, log ticks and the decision boundary, shared
  by every figure here and by the explorer's live views
- :mod:`bpcore.figures.training`  loss curves, decision boundaries, learning-rate sweeps
- :mod:`bpcore.figures.gradients` finite-difference V-curves, δ norms, σ' and BP4's outer product

matplotlib is imported here and in :mod:`bpcore.explorer`'s views only; ``import bpcore`` never
imports it.
"""
