#!/usr/bin/env python3
"""Renders key panels of dashboards/wshealth.json from real data into docs/images/dashboard-*.png.

Grafana is not needed: the script runs the same scenario as scripts/check-dashboard.py (the
reference backend, an agent with a `healthy` target of 3 sessions and an `unreachable` one,
webhook receivers, Prometheus scraping every second), injects faults through the backend's
admin listener for about four and a half minutes (garbage messages, a dropped connection, the
backend killed with SIGKILL and restarted 20 s later, 25 s of stalled data, 35 s of refused
tokens that the agent's own `error_retry_after` recovers from, an oversize message, a bad
frame, the listener down for 15 s, a failed and a good reload), then reads every panel's
queries back from Prometheus (`/api/v1/query_range`, the dashboard's own expressions with
$job and $target = .*, $__interval = the step, $__rate_interval as Grafana computes it) and
draws them with matplotlib in Grafana's dark theme, with the dashboard's colours, value
mappings, overrides, units and thresholds. The scenario's events are drawn as annotations.

Not run in CI: it needs matplotlib, e.g.

    python3 -m venv /tmp/wshealth-venv && /tmp/wshealth-venv/bin/pip install matplotlib
    /tmp/wshealth-venv/bin/python scripts/render-dashboard.py     # BIN=.build/debug/wshealth

DATA_CACHE=FILE saves the query results of a run to FILE, and when FILE exists draws from it
without running the scenario (to adjust the drawing). Every process it starts it stops, as
check-dashboard.py does; it takes about five minutes.
"""
import datetime
import importlib.util
import json
import math
import os
import re
import signal
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("check_dashboard", os.path.join(HERE, "check-dashboard.py"))
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)

OUT = os.path.join(check.ROOT, "docs", "images")
SCRAPE = 1  # seconds
STEP = 3  # seconds between points, what Grafana would pick for a ~5 min range on a wide panel
RATE_INTERVAL = max(STEP + SCRAPE, 4 * SCRAPE)  # Grafana's $__rate_interval

# Grafana's dark theme and classic palette.
BG, PANEL_BG, BORDER = "#111217", "#181b1f", "#2c3235"
TEXT, TEXT_DIM, GRID = "#ccccdc", "#8e8e9a", "#2c3235"
PALETTE = ["#7EB26D", "#EAB839", "#6ED0E0", "#EF843C", "#E24D42", "#1F78C1", "#BA43A9", "#705DA0",
           "#508642", "#CCA300", "#447EBC", "#C15C17", "#890F02", "#0A437C", "#6D1F62", "#584477"]
NAMED = {"green": "#73BF69", "red": "#F2495C", "yellow": "#FADE2A", "orange": "#FF9830", "blue": "#5794F2",
         "text": TEXT, "transparent": "none"}


def color(c):
    return NAMED.get(c, c)


# ---------------------------------------------------------------------------- scenario

def run_scenario(s, events):
    """About 270 s; appends (unix time, label) to events."""
    t_start = time.time()

    def at(t, label, action):
        delay = t_start + t - time.time()
        if delay > 0:
            time.sleep(delay)
        print(f"  t+{time.time() - t_start:5.1f}s  {label}")
        action()
        if label:
            events.append((time.time(), label))

    def restart_backend():
        s.start_backend()

    at(25, "garbage", lambda: [s.fault("/faults/garbage") for _ in range(3)] and s.fault("/faults/binary"))
    at(40, "drop", lambda: s.fault("/faults/drop"))
    at(60, "backend killed", lambda: s.stop_process("backend", signal.SIGKILL))
    at(80, "backend restarted", restart_backend)
    at(110, "stall", lambda: s.fault("/faults/stall?enabled=true"))
    at(135, "", lambda: s.fault("/faults/stall?enabled=false"))
    at(150, "tokens refused", lambda: (s.fault("/faults/refuse-tokens?enabled=true"), s.fault("/faults/drop")))
    at(185, "", lambda: s.fault("/faults/refuse-tokens?enabled=false"))  # error_retry_after (20 s) recovers
    at(205, "oversize", lambda: s.fault("/faults/oversize?bytes=2000000"))
    at(215, "bad frame", lambda: s.fault("/faults/bad-frame?kind=reserved-bits"))
    at(225, "listener down", lambda: s.fault("/faults/down?seconds=15"))
    at(245, "bad reload", lambda: s.reload(broken=True))
    at(252, "reload", s.reload)
    at(270, "", lambda: None)


# ---------------------------------------------------------------------------- data

def fetch(s, panel, start, end):
    """[(name, refId, [(unix time, value)])] for every query of the panel, from query_range."""
    values = {"job": ".*", "target": ".*", "__rate_interval": f"{RATE_INTERVAL}s", "__interval": f"{STEP}s",
              "__range": f"{int(end - start)}s"}
    out = []
    for t in panel["targets"]:
        expr = check.substitute(t["expr"], values)
        data = s.prom_api("/api/v1/query_range", {"query": expr, "start": start, "end": end, "step": STEP})
        if data.get("status") != "success":
            raise RuntimeError(f"{panel['title']}: {data.get('error')}")
        for r in sorted(data["data"]["result"], key=lambda r: sorted(r["metric"].items())):
            name = re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: r["metric"].get(m.group(1), ""),
                          t.get("legendFormat") or "")
            out.append((name, t["refId"], [(float(ts), float(v)) for ts, v in r["values"]]))
    return out


# ---------------------------------------------------------------------------- drawing

def fmt_value(unit, v, decimals=None):
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return ""
    if unit == "percentunit":
        return f"{v * 100:.0f}%"
    if unit == "s":
        if v == 0:
            return "0 s"
        if abs(v) < 1:
            return f"{v * 1000:.0f} ms"
        if abs(v) >= 60:
            return f"{v / 60:.1f} min"
        return f"{v:.1f} s".replace(".0 s", " s")
    if unit == "bytes":
        for u in ("B", "KiB", "MiB", "GiB", "TiB"):
            if abs(v) < 1024:
                return f"{v:.0f} {u}"
            v /= 1024
    if unit.startswith("suffix:"):
        return f"{v:g}{unit[7:]}"
    if decimals == 0:
        return f"{v:.0f}"
    return f"{v:.3g}"


def override_props(panel, name):
    props = {}
    for o in panel["fieldConfig"].get("overrides", []):
        kind, opt = o["matcher"]["id"], o["matcher"]["options"]
        hit = (kind == "byName" and opt == name) or \
              (kind == "byRegexp" and re.search(opt[1:-1] if opt.startswith("/") else opt, name))
        if hit:
            for p in o["properties"]:
                props[p["id"]] = p["value"]
    return props


def style_axes(ax, title):
    ax.set_facecolor(PANEL_BG)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.tick_params(colors=TEXT_DIM, labelsize=8, length=0)
    ax.grid(True, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_title(title, loc="left", color=TEXT, fontsize=10, fontweight="bold", pad=7)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
    ax.xaxis.set_major_locator(mdates.MinuteLocator())


def draw_events(ax, events):
    for t, _ in events:
        ax.axvline(datetime.datetime.fromtimestamp(t), color="#8e8e9a", linestyle=(0, (3, 3)), linewidth=0.7,
                   alpha=0.55, zorder=1)


def event_levels(events, span, width_in):
    """Staggers the event labels so that none overlaps: [(time, label, level)], number of levels."""
    seconds = (span[1] - span[0]).total_seconds()
    per_inch = seconds / width_in
    ends, placed = [], []
    for t, label in sorted(events):
        x = t - span[0].timestamp()
        w = (len(label) * CHAR + 0.12) * per_inch
        level = next((i for i, end in enumerate(ends) if end < x), None)
        if level is None:
            ends.append(0)
            level = len(ends) - 1
        ends[level] = x + w
        placed.append((t, label, level))
    return placed, max(1, len(ends))


def draw_event_strip(ax, placed, span):
    ax.set_xlim(*span)
    ax.set_ylim(0, 1)
    ax.axis("off")
    levels = max([lv for _, _, lv in placed], default=0) + 1
    for t, label, level in placed:
        x = datetime.datetime.fromtimestamp(t)
        y = (level + 0.15) / levels
        ax.plot([x, x], [0, y], color="#8e8e9a", linewidth=0.7, linestyle=(0, (2, 2)))
        ax.text(x, y, " " + label, color=TEXT, fontsize=7.5, va="bottom", ha="left")


def series_style(panel, i, name):
    props = override_props(panel, name)
    c = PALETTE[i % len(PALETTE)]
    if "color" in props:
        c = color(props["color"]["fixedColor"])
    return props, c


def count_locator(ax, unit, decimals, top):
    integer = decimals == 0 or (unit == "short" and top >= 2)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=integer))


def draw_timeseries(ax, panel, series, events, span):
    d = panel["fieldConfig"]["defaults"]
    custom = d["custom"]
    unit, decimals = d.get("unit", "short"), d.get("decimals")
    style_axes(ax, panel["title"])
    ax.set_xlim(*span)
    right = None
    stacked = custom["stacking"]["mode"] == "normal"
    bottoms = {}
    width = STEP / 86400 * 0.8
    handles = []
    tops = {"left": 0, "right": 0}
    for i, (name, _, points) in enumerate(series):
        props, c = series_style(panel, i, name)
        draw = props.get("custom.drawStyle", custom["drawStyle"])
        fill = props.get("custom.fillOpacity", custom["fillOpacity"]) / 100
        dashed = "custom.lineStyle" in props
        side = "right" if props.get("custom.axisPlacement") == "right" else "left"
        target_ax = ax
        if side == "right":
            if right is None:
                right = ax.twinx()
                right.tick_params(colors=TEXT_DIM, labelsize=8, length=0)
                for spine in right.spines.values():
                    spine.set_visible(False)
                r_unit, r_dec = props.get("unit", unit), props.get("decimals")
                right.yaxis.set_major_formatter(FuncFormatter(lambda v, _, u=r_unit, dd=r_dec: fmt_value(u, v, dd)))
                right.r_unit, right.r_dec = r_unit, r_dec
            target_ax = right
        xs = [p[0] for p in points]
        ys = [p[1] if math.isfinite(p[1]) else math.nan for p in points]
        finite = [y for y in ys if not math.isnan(y)]
        tops[side] = max([tops[side]] + finite)
        handles.append((c, name, dashed))
        if draw == "bars":
            base = [bottoms.get(x, 0) for x in xs] if stacked else [0] * len(xs)
            vals = [0 if math.isnan(y) else y for y in ys]
            target_ax.bar(xs, vals, width=width, bottom=base, color=c, alpha=max(fill, 0.6), linewidth=0, zorder=2)
            if stacked:
                for x, b, v in zip(xs, base, vals):
                    bottoms[x] = b + v
                tops[side] = max([tops[side]] + list(bottoms.values()))
            continue
        if stacked:
            base = [bottoms.get(x, 0) for x in xs]
            top = [b + (0 if math.isnan(y) else y) for b, y in zip(base, ys)]
            for x, t in zip(xs, top):
                bottoms[x] = t
            tops[side] = max([tops[side]] + top)
            target_ax.fill_between(xs, base, top, color=c, alpha=fill, linewidth=0, zorder=2)
            if any(finite):  # a series that stays at 0 adds no line on top of the stack
                target_ax.plot(xs, top, color=c, linewidth=1, zorder=3)
            continue
        points_style = props.get("custom.showPoints", custom["showPoints"]) == "always"
        target_ax.plot(xs, ys, color=c, linewidth=1.2, linestyle=(0, (4, 3)) if dashed else "-", zorder=3,
                       marker="o" if points_style else None, markersize=2.5)
        if fill > 0:
            target_ax.fill_between(xs, 0, ys, color=c, alpha=fill, linewidth=0, zorder=2)
    if custom.get("thresholdsStyle", {}).get("mode") == "dashed":
        for st in d["thresholds"]["steps"][1:]:
            tc = color(st["color"])
            ax.axhline(st["value"], color=tc if tc != "none" else "#F2495C", linestyle=(0, (4, 4)),
                       linewidth=0.9, zorder=1, alpha=0.8)
            tops["left"] = max(tops["left"], st["value"])
    ax.set_ylim(bottom=d.get("min", None), top=d["max"] * 1.02 if "max" in d else max(tops["left"] * 1.1, 1e-9))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt_value(unit, v, decimals)))
    count_locator(ax, unit, decimals, tops["left"])
    if right is not None:
        right.set_ylim(0, max(tops["right"] * 1.1, 1))
        count_locator(right, right.r_unit, right.r_dec, tops["right"])
    draw_events(ax, events)
    return handles


def draw_state_timeline(ax, panel, series, events, span):
    d = panel["fieldConfig"]["defaults"]
    mapping = {}
    for m in d["mappings"]:
        if m["type"] == "value":
            for k, o in m["options"].items():
                mapping[float(k)] = (o["text"], color(o["color"]))
    style_axes(ax, panel["title"])
    ax.grid(False)
    ax.set_xlim(*span)
    step = datetime.timedelta(seconds=STEP)
    per_inch = (span[1] - span[0]) / (ax.get_position().width * FIG_W)
    for row, (name, _, points) in enumerate(series):
        y = len(series) - 1 - row
        segments = []  # [start, last, value]
        for x, v in points:
            if not math.isfinite(v):
                continue
            if segments and segments[-1][2] == v and x - segments[-1][1] <= step * 1.01:
                segments[-1][1] = x
            else:
                segments.append([x, x, v])
        for x0, x1, v in segments:
            x1 = x1 + step
            text, c = mapping.get(v, (f"{v:g}", "#808080"))
            ax.broken_barh([(mdates.date2num(x0), mdates.date2num(x1) - mdates.date2num(x0))],
                           (y - 0.42, 0.84), facecolors=c, alpha=0.9, linewidth=0, zorder=2)
            if panel["options"].get("showValue") != "never" and x1 - x0 > per_inch * (len(text) * CHAR + 0.15):
                ax.text(x0 + datetime.timedelta(seconds=1.5), y, text, color="white", fontsize=7.5, va="center",
                        ha="left", clip_on=True, zorder=3)
    ax.set_yticks(range(len(series)))
    ax.set_yticklabels([n for n, _, _ in reversed(series)], color=TEXT, fontsize=8)
    ax.set_ylim(-0.6, len(series) - 0.4)
    draw_events(ax, events)
    if not panel["options"]["legend"]["showLegend"]:
        return []
    seen = sorted({v for _, _, pts in series for _, v in pts if math.isfinite(v)})
    return [(mapping[v][1], mapping[v][0], False) for v in seen if v in mapping]


def legend(ax, handles, ncol):
    from matplotlib.lines import Line2D
    if not handles:
        return
    items = [Line2D([0], [0], color=c, linewidth=2.5, linestyle=(0, (2, 1)) if dashed else "-")
             for c, _, dashed in handles]
    ax.legend(items, [n for _, n, _ in handles], loc="upper left", bbox_to_anchor=(0, -TICKS_FRACTION[ax]),
              ncol=ncol, frameon=False, fontsize=7.5, labelcolor=TEXT, handlelength=1.4, columnspacing=1.4,
              borderaxespad=0, borderpad=0, handletextpad=0.5)


TICKS_FRACTION = {}
DPI = 90
FIG_W = 16.0  # inches; all sizes below in inches
MARGIN_L, MARGIN_R, GAP = 0.2, 0.2, 0.35
Y_LABELS, Y_LABELS_RIGHT = 0.6, 0.55
HEADING, TITLE, TICKS, LEGEND_ROW, ROW_GAP, EVENT_ROW = 0.5, 0.34, 0.26, 0.19, 0.3, 0.17
CHAR = 0.056  # width of a 7.5 pt character


def legend_shape(n_names, longest, width):
    if n_names == 0:
        return 0, 1
    ncol = max(1, min(n_names, int(width // (longest * CHAR + 0.5))))
    return math.ceil(n_names / ncol), ncol


def render(data, dash, layout, path, events, span, heading):
    panels = {p["title"]: p for p in check.flatten_panels(dash["panels"])}
    usable = FIG_W - MARGIN_L - MARGIN_R
    # First pass: geometry in inches, legends' shapes.
    rows = []
    for height, cells in layout:
        row, pos = [], 0
        for title, w in cells:
            panel = panels[title]
            series = [(n, r, [(datetime.datetime.fromtimestamp(t), v) for t, v in pts]) for n, r, pts in data[title]]
            x0 = MARGIN_L + usable * pos / 24
            width = usable * w / 24 - (GAP if pos + w < 24 else 0)
            if panel["type"] == "state-timeline":
                left = max(len(n) for n, _, _ in series) * 0.062 + 0.15 if series else Y_LABELS
            else:
                left = Y_LABELS
            has_right = any(p["id"] == "custom.axisPlacement" and p["value"] == "right"
                            for o in panel["fieldConfig"].get("overrides", []) for p in o["properties"])
            ax_w = width - left - (Y_LABELS_RIGHT if has_right else 0)
            if panel["type"] == "state-timeline":
                seen = {v for _, _, pts in series for _, v in pts if math.isfinite(v)}
                names = [str(v) for v in seen] if panel["options"]["legend"]["showLegend"] else []
                longest = 18
            else:
                names = [n for n, _, _ in series]
                longest = max((len(n) for n in names), default=0)
            lrows, ncol = legend_shape(len(names), longest, ax_w)
            row.append(dict(panel=panel, series=series, x=x0 + left, w=ax_w, lrows=lrows, ncol=ncol))
            pos += w
        rows.append((height, row))
    strips = [event_levels(events, span, cell["w"]) for cell in rows[0][1]]
    strip_h = max(levels for _, levels in strips) * EVENT_ROW + 0.1
    total = HEADING + strip_h + sum(TITLE + h + TICKS + max(c["lrows"] for c in r) * LEGEND_ROW + ROW_GAP
                                    for h, r in rows)
    fig = plt.figure(figsize=(FIG_W, total), dpi=DPI, facecolor=BG)
    fig.text(MARGIN_L / FIG_W, 1 - 0.28 / total, heading, color=TEXT, fontsize=12, fontweight="bold", va="center")
    y = HEADING
    for r, (height, row) in enumerate(rows):
        if r == 0:
            for cell, (placed, _) in zip(row, strips):
                strip = fig.add_axes([cell["x"] / FIG_W, 1 - (y + strip_h) / total, cell["w"] / FIG_W,
                                      strip_h / total])
                draw_event_strip(strip, placed, span)
            y += strip_h
        y += TITLE
        for cell in row:
            ax = fig.add_axes([cell["x"] / FIG_W, 1 - (y + height) / total, cell["w"] / FIG_W, height / total])
            TICKS_FRACTION[ax] = TICKS / height
            if cell["panel"]["type"] == "state-timeline":
                handles = draw_state_timeline(ax, cell["panel"], cell["series"], events, span)
            else:
                handles = draw_timeseries(ax, cell["panel"], cell["series"], events, span)
            legend(ax, handles, cell["ncol"])
        y += height + TICKS + max(c["lrows"] for c in row) * LEGEND_ROW + ROW_GAP
    fig.savefig(path, dpi=DPI, facecolor=BG)
    plt.close(fig)
    print(f"  {os.path.relpath(path, check.ROOT)}: {os.path.getsize(path) // 1024} KiB")


PAGES = [  # file, heading, rows of (height, [(panel title, width of 24)])
    ("dashboard-state.png", "Connection state", [
        (2.4, [("Connection state per target", 24)]),
        (3.0, [("Sessions by state", 12), ("Reconnect attempt vs max", 12)])]),
    ("dashboard-reliability.png", "Connection reliability", [
        (3.0, [("Connection success ratio", 12), ("Connection failures by reason", 12)]),
        (3.0, [("Disconnect causes", 8), ("Mean reconnect time", 8), ("Max retries exceeded", 8)])]),
    ("dashboard-data.png", "Data flow and latency", [
        (3.0, [("Messages per second", 8), ("Data age", 8), ("Message errors", 8)]),
        (3.0, [("Handshake duration p50 / p99", 12), ("Time to first message p50 / p99", 12)])]),
    ("dashboard-alerts.png", "Alerts and notifications", [
        (3.0, [("Firing alerts", 12), ("Notifications delivered", 12)]),
        (3.0, [("Notification failures by reason", 8), ("Notification queue and drops", 8),
               ("Notification latency p99", 8)])]),
]


def main():
    check.install_signal_handlers()
    os.chdir(check.ROOT)
    with open(check.DASHBOARD) as f:
        dash = json.load(f)
    panels = {p["title"]: p for p in check.flatten_panels(dash["panels"])}
    titles = [t for _, _, rows in PAGES for _, cells in rows for t, _ in cells]
    # DATA_CACHE=FILE keeps the scenario's query results, to redraw without running it again.
    cache = os.environ.get("DATA_CACHE")
    if cache and os.path.exists(cache):
        with open(cache) as f:
            saved = json.load(f)
        print(f"data from {cache}")
    else:
        events = []
        with check.Scenario(healthy_sessions=3, ping="{interval: 30s, timeout: 5s}", error_retry_after="20s") as s:
            print(f"scenario: backend :{s.backend_port}, agent :{s.agent_port}, prometheus :{s.prom_port}")
            start = s.started_at
            run_scenario(s, events)
            end = time.time()
            saved = {"start": start, "end": end, "events": events,
                     "series": {t: fetch(s, panels[t], start, end) for t in titles}}
        if cache:
            with open(cache, "w") as f:
                json.dump(saved, f)
    span = (datetime.datetime.fromtimestamp(saved["start"]), datetime.datetime.fromtimestamp(saved["end"]))
    os.makedirs(OUT, exist_ok=True)
    sub = "real data (reference backend, agent, Prometheus; faults at the dashed lines), drawn with matplotlib"
    for file, heading, rows in PAGES:
        render(saved["series"], dash, rows, os.path.join(OUT, file), saved["events"], span, f"{heading}  ·  {sub}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as e:
        print(f"interrupted ({e}); everything started was stopped", file=sys.stderr)
        sys.exit(130)
