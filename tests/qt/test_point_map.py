"""The point map's raster: draw order, points far outside the view, density shading where
points pile up, a recolour that reuses the view's layout, hover through the k-d tree."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

from explorer.qt.point_map import BACKGROUND, DENSE_POINTS, PointMap, layout, paint, rasterise

RED, BLUE = (200, 30, 30, 255), (30, 30, 200, 255)


def test_later_points_are_drawn_over_earlier_ones_and_far_points_stay_out():
    xy = np.array([[0.5, 0.5], [0.5, 0.5], [1e12, 0.5], [-1e12, -1e12]], np.float32)
    rgba = np.array([RED, BLUE, RED, RED], np.uint8)
    img = rasterise(xy, rgba, np.arange(4), (0, 0, 1, 1), (10, 10), radius=1)
    assert tuple(img[5, 5]) == BLUE                      # the later point wins its pixel
    assert tuple(img[4, 4]) == BLUE and tuple(img[0, 0]) == BACKGROUND   # a 3-pixel square, then nothing
    assert (img.reshape(-1, 4) == RED).all(1).sum() == 0  # the far points wrap nowhere into the view
    img = rasterise(xy, rgba, np.array([1, 0, 2, 3]), (0, 0, 1, 1), (10, 10), radius=1)
    assert tuple(img[5, 5]) == RED


def test_density_darkens_where_points_pile_up_and_nowhere_else():
    rng = np.random.default_rng(0)
    pile = np.full((400, 2), 0.25, np.float32)
    lone = np.array([[0.75, 0.75]], np.float32)
    xy = np.concatenate([pile, lone, rng.uniform(0.5, 0.6, (3, 2)).astype(np.float32)])
    rgba = np.tile(np.array(RED, np.uint8), (len(xy), 1))
    flat = paint(layout(xy, (0, 0, 1, 1), (40, 40), 1, density=False), rgba)
    shaded = paint(layout(xy, (0, 0, 1, 1), (40, 40), 1, density=True), rgba)
    assert tuple(flat[10, 10]) == tuple(flat[30, 30]) == RED
    assert shaded[10, 10, 0] < 0.5 * RED[0]               # the pile: much darker
    assert shaded[30, 30, 0] > 0.8 * RED[0]               # the lone point: about its colour
    assert tuple(shaded[0, 39]) == BACKGROUND and shaded[10, 10, 3] == 255
    sparse = rng.uniform(0, 1, (50, 2)).astype(np.float32)
    assert layout(sparse, (0, 0, 1, 1), (400, 400), 1, density=True).factor is None   # nothing piles up


def test_the_map_recolours_from_its_cached_layout_and_finds_the_hovered_point(qtbot):
    """(Hover needs the k-d tree, built off the GUI thread for a large map; until then it
    finds nothing, and a tree built for points since replaced is never used.)"""
    n = DENSE_POINTS + 5000   # above the threshold: 1-pixel points, shaded
    rng = np.random.default_rng(1)
    xy = rng.standard_normal((n, 2)).astype(np.float32)
    m = PointMap()
    qtbot.addWidget(m)
    m.resize(400, 300)
    m.show()
    m.set_points(xy, np.tile(np.array(RED, np.uint8), (n, 1)))
    key, lay = m._layout
    assert m.radius == 1 and lay.factor is not None
    before = m.image._buffer.copy()
    m.set_colors(np.tile(np.array(BLUE, np.uint8), (n, 1)))
    assert m._layout[1] is lay                            # same view: the layout is reused
    after = m.image._buffer
    drawn = lay.owner >= 0
    assert (after[drawn][:, 2] >= after[drawn][:, 0]).all() and (before[drawn][:, 0] >= before[drawn][:, 2]).all()
    qtbot.waitUntil(lambda: m.tree is not None, timeout=30_000)   # built in a thread above DENSE_POINTS
    i = 1234
    assert m.nearest(float(xy[i, 0]), float(xy[i, 1])) in {i} | set(np.flatnonzero(
        np.abs(xy - xy[i]).max(1) < 1e-3))
    far = (xy[:, 0].max() + 100, 0.0)
    assert m.nearest(*far) == -1
    old_tree = m.tree
    m.set_points(xy[:100] + 50, np.tile(np.array(BLUE, np.uint8), (100, 1)))   # small: its tree at once
    assert m.tree is not None and m.tree is not old_tree and m.tree.n == 100
