"""A deterministic force-directed (spring) layout in numpy, for drawing tie networks.

Fruchterman-Reingold: tied nodes attract (d^2 / k), all pairs repel (k^2 / d), plus a weak
pull to the centre so unconnected organisations stay in view. It starts from a circle in
node order (callers sort by kind, so kinds start next to each other), uses no randomness, and
so draws the same network the same way every time.
"""

from __future__ import annotations

import numpy as np


def spring_layout(n: int, edges, group=None, iterations: int = 300, gravity: float = 0.02) -> np.ndarray:
    """Positions [n, 2] in about [-1, 1]^2 for n nodes and undirected `edges` (pairs of node
    indices). `group` (optional, one integer per node) orders the starting circle."""
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.zeros((1, 2))
    order = np.lexsort((np.arange(n), np.asarray(group if group is not None else np.zeros(n))))
    angle = np.empty(n)
    angle[order] = 2.0 * np.pi * np.arange(n) / n
    position = np.column_stack([np.cos(angle), np.sin(angle)])
    adjacency = np.zeros((n, n))
    for i, j in edges:
        if i != j:
            adjacency[i, j] = adjacency[j, i] = 1.0
    k = np.sqrt(4.0 / n)  # ideal edge length for an area of 4
    temperature = 0.2
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = position[:, None, :] - position[None, :, :]
        distance = np.linalg.norm(delta, axis=-1)
        np.fill_diagonal(distance, 1.0)
        distance = np.maximum(distance, 1e-3)
        force = (k * k / distance**2 - adjacency * distance / k)[:, :, None] * delta
        np.einsum("iid->id", force)[:] = 0.0
        displacement = force.sum(axis=1) - gravity * position * n * k
        length = np.maximum(np.linalg.norm(displacement, axis=1), 1e-9)
        position += displacement / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature -= cooling
    position -= position.mean(axis=0)
    scale = np.abs(position).max()
    return position / scale if scale > 0 else position
