"""Names beside the dots of a scatter chart, each where it covers no other text, dot or
leader line, or named in a note under the chart when no free place is left (see
`charts_layout` for how texts are measured and when the layout is settled).
"""



import numpy as np
from matplotlib.axes import Axes

from lib03.report.charts_layout import names_note_within, note_below, room, settle


def _offsets() -> list[tuple[float, float]]:
    """Where a label may go around its dot, nearest first (points)."""
    return [(dx, dy) for r in (8, 16, 26, 40, 56, 76, 100, 130)
            for dx, dy in ((r, r / 2), (-r, r / 2), (r, -r / 2), (-r, -r / 2), (r, 0), (-r, 0))]


def _align(dx: float, dy: float) -> dict[str, str]:
    return {"ha": "left" if dx > 0 else "right",
            "va": "bottom" if dy > 0 else "top" if dy < 0 else "center"}


def place_labels(ax: Axes, points: list[tuple[float, float, str, str]],
                 dots: list[tuple[float, float]]) -> list[str]:
    """Name dots: each label (x, y, text, colour) goes to the nearest place around its dot
    where, measured after the layout, it stays inside the axes and covers no dot, no text and
    no label placed before. Returns the labels that found no such place, undrawn: the caller
    names them elsewhere (a label on top of another is read as neither)."""
    fig = ax.figure
    settle(fig)
    area = ax.bbox
    half = 5 * fig.dpi / 72  # a dot's half width, pixels
    boxes = [(px - half, py - half, px + half, py + half)
             for px, py in ax.transData.transform(np.array(dots, float).reshape(-1, 2))]
    boxes += [(e.x0, e.y0, e.x1, e.y1) for e in (t.get_window_extent() for t in ax.texts
                                                  if t.get_visible() and t.get_text().strip())]
    unplaced, leaders = [], []
    for x, y, text, color in sorted(points, key=lambda p: (-p[1], p[0])):
        # Measured first without its leader line, whose extent is not the text's.
        trial = ax.annotate(text, xy=(x, y), xytext=(0, 0), textcoords="offset points",
                            fontsize=9, annotation_clip=False)
        best = None
        for dx, dy in _offsets():
            trial.xyann = (dx, dy)
            trial.set(**_align(dx, dy))
            e = trial.get_window_extent()
            box = (e.x0 - 1, e.y0 - 1, e.x1 + 1, e.y1 + 1)
            inside = area.x0 <= e.x0 and e.x1 <= area.x1 and area.y0 <= e.y0 and e.y1 <= area.y1
            # The leader line, from the dot to the label's corner, must not cross a text
            # either (the dot's own box and the label's are where it starts and ends).
            px, py = ax.transData.transform((x, y))
            leader = (px, py, e.x0 if dx > 0 else e.x1,
                      e.y0 if dy > 0 else e.y1 if dy < 0 else (e.y0 + e.y1) / 2)
            if inside and not any(_overlap_area(box, b) for b in boxes) and not any(
                    _crosses(leader, b) for b in boxes[len(dots):]) and not any(
                    _crosses(line, box) for line in leaders):
                best = (dx, dy, box, leader)
                break
        trial.remove()
        if best is None:
            unplaced.append(text)
            continue
        dx, dy, box, leader = best
        align = _align(dx, dy)
        # The leader line leaves from the label's side nearest the dot, not across the text.
        relpos = (0 if dx > 0 else 1, 0 if dy > 0 else 1 if dy < 0 else 0.5)
        label = ax.annotate(text, xy=(x, y), xytext=(dx, dy), textcoords="offset points",
                            fontsize=9, color=color, annotation_clip=False, **align,
                            arrowprops={"arrowstyle": "-", "color": color, "lw": 0.6,
                                        "shrinkA": 0, "shrinkB": 4, "relpos": relpos})
        # Kept inside the axes on purpose: the layout need not make room for it again.
        label.set_in_layout(False)
        boxes.append(box)
        leaders.append(leader)
    return unplaced


def _overlap_area(a: tuple, b: tuple) -> float:
    return (max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
            * max(0.0, min(a[3], b[3]) - max(a[1], b[1])))


def name_dots(ax: Axes, labels: list, dots: list,
              notes: list[tuple[str, list[str]]]) -> None:
    """Notes under the chart (each a prefix and the names it lists), then the dots' labels
    (`place_labels`). A label that finds no free place is named in one more note instead,
    and the labels are placed again over the plot that note made smaller; if they still do
    not fit, every name goes to the note."""
    fixed = list(ax.texts)
    unplaced: list[str] = []
    for attempt in range(4):
        for text in [t for t in ax.texts if t not in fixed]:
            text.remove()
        if attempt == 3:
            unplaced = [text for _x, _y, text, _c in labels]
        for prefix, names in notes:
            note_below(ax, names_note_within(prefix, names, room(ax)))
        if unplaced:
            names = [n for text in unplaced for n in text.split("\n")]
            note_below(ax, names_note_within("Không đủ chỗ ghi tên bên chấm", names, room(ax),
                                             lines=4))
        if attempt == 3:
            return
        missed = place_labels(ax, [p for p in labels if p[2] not in unplaced], dots)
        if not missed:
            return
        unplaced += missed


def _crosses(segment: tuple, box: tuple) -> bool:
    """Whether a segment (x0, y0, x1, y1) passes through a box (Liang–Barsky clipping)."""
    x0, y0, x1, y1 = segment
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return high - low > 1e-6
