"""The comparison's data as CSV and JSON: one record per incident, then the medians per decade."""

import csv
import io
import json
from urllib.parse import urljoin

from archive.incidents.milestones import AFTER_DISCLOSURE, MILESTONES


def _absolute(base_url, path):
    return urljoin(base_url, path) if base_url else path


def _milestone_fields(row, name):
    milestone = row.milestones[name]
    span = row.span(name) if name in AFTER_DISCLOSURE else None
    fields = {
        f"{name}_date": milestone.iso() if milestone else "",
        f"{name}_precision": milestone.precision if milestone else "",
        f"{name}_inferred": milestone.inferred if milestone else "",
    }
    if name in AFTER_DISCLOSURE:
        fields[f"{name}_days_min"] = span.low if span else ""
        fields[f"{name}_days_max"] = span.high if span else ""
    return fields


def record(row, base_url=""):
    out = {
        "slug": row.slug, "name": row.name, "kind": row.kind,
        "first_year": row.first_year or "", "last_year": row.last_year or "", "decade": row.decade or "",
    }
    for name in MILESTONES:
        out.update(_milestone_fields(row, name))
    out["articles"] = row.article_count
    out["url"] = _absolute(base_url, row.entity.get_absolute_url())
    return out


def columns():
    names = ["slug", "name", "kind", "first_year", "last_year", "decade"]
    for name in MILESTONES:
        names += [f"{name}_date", f"{name}_precision", f"{name}_inferred"]
        if name in AFTER_DISCLOSURE:
            names += [f"{name}_days_min", f"{name}_days_max"]
    return [*names, "articles", "url"]


def to_csv(rows, *, base_url=""):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        values = record(row, base_url)
        writer.writerow({key: ("true" if value is True else "false" if value is False else value)
                         for key, value in values.items()})
    return out.getvalue()


def _json_record(row, base_url):
    milestones = {}
    for name in MILESTONES:
        milestone = row.milestones[name]
        if milestone is None:
            milestones[name] = None
            continue
        entry = {"date": milestone.iso(), "precision": milestone.precision, "inferred": milestone.inferred,
                 "title": milestone.title, "url": _absolute(base_url, milestone.url)}
        if name in AFTER_DISCLOSURE:
            span = row.span(name)
            entry["days_from_disclosure"] = {"min": span.low, "max": span.high} if span else None
        milestones[name] = entry
    return {"slug": row.slug, "name": row.name, "kind": row.kind, "first_year": row.first_year,
            "last_year": row.last_year, "decade": row.decade, "milestones": milestones,
            "articles": row.article_count, "url": _absolute(base_url, row.entity.get_absolute_url())}


def to_json(rows, decades, sentences, *, title, base_url=""):
    return json.dumps({
        "title": title,
        "note": "Days from the earliest disclosure event; min and max differ when a date is known only to "
                "its month or year. Medians count a range by its middle. Missing dates are null.",
        "incidents": [_json_record(row, base_url) for row in rows],
        "medians_by_decade": [
            {"decade": decade.decade, "incidents": decade.incidents, "with_disclosure": decade.disclosed,
             **{name: {"median_days": decade.medians[name].days, "incidents": decade.medians[name].count,
                       "with_inferred_date": decade.medians[name].inferred,
                       "with_imprecise_date": decade.medians[name].ranged} for name in AFTER_DISCLOSURE}}
            for decade in decades
        ],
        "summary": sentences,
    }, ensure_ascii=False, indent=1)
