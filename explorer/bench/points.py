"""`bench points`: the point map at a million points, against pyqtgraph's ScatterPlotItem
at 70,000 in the same run (offscreen, 900x700).

For PointMap at --n points (10 Gaussian clusters, overlapping: a solid blob at this
count): the median frame while panning and zooming (the raster moves with the view), the
recolour (a repaint of the cached layout), the re-render once the view is still (layout
and paint, with density shading), set_points (drawing order and the first render; the k-d
tree is built in a thread meanwhile), and the hover
lookup (PointMap.nearest: a k-d tree query) p50/p95 over 2,000 positions. Then the same
pan, zoom and recolour of a ScatterPlotItem at 70,000 points, and a PNG of the map with
and without density shading under --png PREFIX, to look at.

    python main.py bench points [--n 1000000] [--png /tmp/points]
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np


def _frames(app, widget, action, k: int) -> float:
    from explorer.bench.map_gui import frame_ms
    return round(frame_ms(app, widget, action, k), 2)


def clusters(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-6, 6, (10, 2))
    labels = rng.integers(0, 10, n)
    return (centres[labels] + rng.standard_normal((n, 2)) * (0.5 + 0.15 * labels[:, None])).astype(np.float32), labels


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench points", description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--baseline-n", type=int, default=70_000)
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--png", default=None, help="write PREFIX-density.png and PREFIX-flat.png")
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg

    from explorer.qt.app import make_app
    from explorer.qt.palette import category_colours
    from explorer.qt.point_map import PointMap

    app = make_app()
    pal = category_colours(10)
    xy, labels = clusters(args.n)
    out = {"points": args.n, "view_px": [900, 700], "data": "10 overlapping Gaussian clusters"}
    ours = PointMap()
    ours.resize(900, 700)
    ours.show()
    app.processEvents()
    t = time.perf_counter()
    ours.set_points(xy, pal[labels])
    out["set_points_ms"] = round((time.perf_counter() - t) * 1000, 1)
    app.processEvents()
    vb = ours.vb
    out["pan_frame_ms"] = _frames(app, ours, lambda i: vb.translateBy(x=0.3 * (1 if i % 2 else -1)), args.reps)
    out["zoom_frame_ms"] = _frames(app, ours, lambda i: vb.scaleBy((0.9, 0.9) if i % 2 else (1 / 0.9, 1 / 0.9)),
                                   args.reps)
    out["rerender_when_still_ms"] = _frames(app, ours, lambda i: (setattr(ours, "_layout", None), ours.render()),
                                            max(3, args.reps // 2))
    out["recolour_ms"] = _frames(app, ours, lambda i: ours.set_colors(pal[(labels + i) % 10]), args.reps)
    t = time.perf_counter()
    while ours.tree is None:   # built in a thread since set_points; hover finds nothing until then
        app.processEvents()
        time.sleep(0.005)
    out["tree_ready_after_frames_ms"] = round((time.perf_counter() - t) * 1000, 1)
    (x0, x1), (y0, y1) = vb.viewRange()
    rng = np.random.default_rng(1)
    times = []
    for qx, qy in zip(rng.uniform(x0, x1, 2000), rng.uniform(y0, y1, 2000)):
        t = time.perf_counter()
        ours.nearest(qx, qy)
        times.append(time.perf_counter() - t)
    times = np.array(times) * 1000
    out["hover_lookup_ms"] = {"p50": round(float(np.percentile(times, 50)), 4),
                              "p95": round(float(np.percentile(times, 95)), 4)}
    if args.png:
        ours.grab().save(f"{args.png}-density.png")
        ours.density = False
        ours.render()
        app.processEvents()
        ours.grab().save(f"{args.png}-flat.png")
        out["png"] = [f"{args.png}-density.png", f"{args.png}-flat.png"]
    ours.close()

    bxy, blabels = clusters(args.baseline_n)
    plain = pg.PlotWidget()
    plain.resize(900, 700)
    plain.show()
    item = pg.ScatterPlotItem(x=bxy[:, 0], y=bxy[:, 1], size=4, pen=None, brush=[pg.mkBrush(*pal[v]) for v in blabels])
    plain.addItem(item)
    app.processEvents()
    pvb = plain.getViewBox()
    k = max(3, args.reps // 4)
    out["scatterplotitem"] = {
        "points": args.baseline_n,
        "pan_frame_ms": _frames(app, plain, lambda i: pvb.translateBy(x=0.3 * (1 if i % 2 else -1)), k),
        "zoom_frame_ms": _frames(app, plain, lambda i: pvb.scaleBy((0.9, 0.9) if i % 2 else (1 / 0.9, 1 / 0.9)), k),
        "recolour_ms": _frames(app, plain, lambda i: item.setBrush([pg.mkBrush(*pal[(v + i) % 10]) for v in blabels]),
                               3)}
    plain.close()
    print(json.dumps(out, indent=2))
    return 0
