"""How the scale run's people take part: how many attempts each makes, and on which days;
how the people are spread over the units."""

from __future__ import annotations

import itertools
import random

from . import scale_county as county


def split(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders)."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    parts = [int(s) for s in shares]
    for i in sorted(range(len(shares)), key=lambda i: parts[i] - shares[i])[:total - sum(parts)]:
        parts[i] += 1
    return parts


def attempt_counts(rng: random.Random, people: int, attempts: int, cap: int) -> list[int]:
    """Attempts per person, 1 to `cap`, adding up to `attempts`: many try once or twice, a
    keen few every day (log-normal)."""
    if not people <= attempts <= people * cap:
        raise SystemExit(f"{attempts} attempts cannot be spread over {people} people "
                         f"({cap} at most each)")
    weights = [rng.lognormvariate(0, 1.1) for _ in range(people)]
    low, high = 0.0, float(cap * 4)
    for _ in range(60):  # the scale at which the rounded, clamped counts add up
        mid = (low + high) / 2
        if sum(min(cap, max(1, round(w * mid))) for w in weights) < attempts:
            low = mid
        else:
            high = mid
    counts = [min(cap, max(1, round(w * high))) for w in weights]
    excess = sum(counts) - attempts
    order = list(range(people))
    rng.shuffle(order)
    for i in itertools.cycle(order):
        if excess == 0:
            break
        step = 1 if excess > 0 else -1
        if 1 <= counts[i] - step <= cap:
            counts[i] -= step
            excess -= step
    return counts


def days_of(rng: random.Random, count: int, days: int) -> list[tuple[int, int]]:
    """[(day index, attempts that day)] for one person's `count` attempts, at most
    PER_DAY a day, from a day they start on (most start in the first week)."""
    need = -(-count // county.PER_DAY)
    active = min(days, max(need, min(count, round(need * rng.uniform(1.0, 2.5)))))
    start = min(int(rng.expovariate(1 / 5)), days - active)
    chosen = sorted(rng.sample(range(start, days), active))
    per_day = [1] * active
    for _ in range(count - active):
        i = rng.randrange(active)
        while per_day[i] == county.PER_DAY:
            i = (i + 1) % active
        per_day[i] += 1
    return list(zip(chosen, per_day, strict=True))
