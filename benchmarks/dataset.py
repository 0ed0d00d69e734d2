"""A valid synthetic dataset ~100x the shipped one, for scaling measurements.

* cities: every real city plus ``city_factor - 1`` copies of it, each moved by at
  most ``JITTER_DEG`` (about 5 km) so it stays within the validator's 15 km of
  its country; new ids ``<id>-c<k>``;
* initiatives: ``initiative_factor`` copies of every real row with new ids
  ``<id>-i<k>``; copy ``k`` of an initiative with a city points at copy
  ``k mod city_factor`` of that city, so every city copy gets initiatives and
  every reference stays valid;
* every other table, ``datapackage.json`` and ``basemap/`` are copied unchanged.

The result is checked with ``mc2cm.validation.validate_dir``: no errors allowed.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
from pathlib import Path

from mc2cm.validation import has_errors, validate_dir

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data"
JITTER_DEG = 0.05


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _suffix(row: dict[str, str], k: int, columns: tuple[str, ...]) -> None:
    for col in columns:
        if row.get(col):
            row[col] = f"{row[col]} ({k})"


def make_large_dataset(target: Path, *, city_factor: int = 10, initiative_factor: int = 100,
                       source: Path = SHIPPED, seed: int = 2019) -> dict[str, object]:
    """Write the scaled dataset into ``target`` (created); return a summary. Raises if it is invalid."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".history", ".lock", "changelog.jsonl"))

    city_header, cities = _read(source / "cities.csv")
    out_cities: list[dict[str, str]] = []
    copy_id: dict[tuple[str, int], str] = {}
    for city in cities:
        for k in range(city_factor):
            row = dict(city)
            if k:
                row["id"] = f"{city['id']}-c{k}"
                row["latitude"] = f"{float(city['latitude']) + rng.uniform(-JITTER_DEG, JITTER_DEG):.4f}"
                row["longitude"] = f"{float(city['longitude']) + rng.uniform(-JITTER_DEG, JITTER_DEG):.4f}"
                _suffix(row, k, ("name_en", "name_fr", "name_ar"))
            copy_id[(city["id"], k)] = row["id"]
            out_cities.append(row)
    _write(target / "cities.csv", city_header, out_cities)

    ini_header, initiatives = _read(source / "initiatives.csv")
    out_initiatives: list[dict[str, str]] = []
    for initiative in initiatives:
        for k in range(initiative_factor):
            row = dict(initiative)
            if k:
                row["id"] = f"{initiative['id']}-i{k}"
                _suffix(row, k, ("name_en", "name_fr", "name_ar"))
            if row.get("city_ids"):
                row["city_ids"] = "|".join(copy_id[(city, k % city_factor)] for city in row["city_ids"].split("|"))
            out_initiatives.append(row)
    _write(target / "initiatives.csv", ini_header, out_initiatives)

    problems = validate_dir(target)
    errors = [str(p) for p in problems if p.severity == "error"]
    if has_errors(problems):
        raise ValueError(f"synthetic dataset is invalid ({len(errors)} errors), e.g. {errors[:3]}")
    shipped_warnings = sum(1 for p in validate_dir(source) if p.severity != "error")
    return {
        "folder": str(target),
        "cities": len(out_cities), "cities_shipped": len(cities),
        "initiatives": len(out_initiatives), "initiatives_shipped": len(initiatives),
        "initiatives_csv_bytes": (target / "initiatives.csv").stat().st_size,
        "errors": 0,
        "warnings": sum(1 for p in problems if p.severity != "error"),
        "warnings_shipped": shipped_warnings,
    }
