"""A measured figure, its goal, and the table lines run_all.py prints and writes."""

from __future__ import annotations

from dataclasses import dataclass

from common import median


@dataclass
class Figure:
    """One measured figure and its goal; `stat` says which statistic the goal applies to."""

    name: str
    values: list[float]
    unit: str
    op: str = ""  # "<", "<=", ">=" or "" (informational, no goal)
    goal: float = 0.0
    stat: str = "median"  # or "max" for goals that must hold always
    note: str = ""
    error: str = ""

    @property
    def median(self) -> float:
        return median(self.values)

    @property
    def judged(self) -> float:
        return max(self.values) if self.stat == "max" else self.median

    @property
    def ok(self) -> bool | None:
        if self.error:
            return False
        if not self.op:
            return None
        value = self.judged
        return {"<": value < self.goal, "<=": value <= self.goal, ">=": value >= self.goal}[
            self.op
        ]

    @property
    def goal_text(self) -> str:
        if not self.op:
            return "—"
        text = f"{self.op} {num(self.goal)} {self.unit}"
        return f"{text} ({self.stat})" if self.stat != "median" else text

    @property
    def spread(self) -> str:
        if self.error or not self.values:
            return self.error
        n = len(self.values)
        extra = f"; {self.note}" if self.note else ""
        if n == 1:
            return f"1 run{extra}"
        return f"n={n}, min {num(min(self.values))}, max {num(max(self.values))}{extra}"


def num(value: float) -> str:
    if value != value:  # nan
        return "n/a"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if abs(value) >= 0.1 else f"{value:.3f}"


def ms(values: list[float]) -> list[float]:
    return [v * 1e3 for v in values]


# -- output -------------------------------------------------------------------------
WIDTH = 74


def row(f: Figure) -> str:
    ok = "ERROR" if f.error else {True: "ok", False: "MISS", None: "info"}[f.ok]
    value = num(f.median) if f.values else "—"
    return (f"{f.name[:WIDTH]:<{WIDTH}} | {value:>8} | {f.unit:<11} | {f.goal_text:<18} | "
            f"{ok:<5} | {f.spread}")


def header() -> str:
    return (f"{'figure':<{WIDTH}} | {'median':>8} | {'unit':<11} | {'goal':<18} | {'ok':<5} | "
            "runs")


def markdown(figures: list[Figure]) -> str:
    lines = ["| figure | median | unit | goal | ok |", "|---|---:|---|---|---|"]
    for f in figures:
        ok = "error" if f.error else {True: "ok", False: "**missed**", None: "—"}[f.ok]
        value = num(f.median) if f.values else "—"
        lines.append(f"| {f.name} | {value} | {f.unit} | {f.goal_text} | {ok} |")
    return "\n".join(lines) + "\n"
