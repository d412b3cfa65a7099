"""What a decision notice says: the template context, the verification URL and its QR code."""

from __future__ import annotations

import io

from django.conf import settings
from django.urls import reverse

from reviews.models import Stage

from .models import DecisionNotice


def verification_url(notice: DecisionNotice) -> str:
    """The verification page at the portal's configured public address (settings.PORTAL_BASE_URL)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("committee:verify", kwargs={"code": notice.display_code})


def qr_data_uri(url: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True)
    from base64 import b64encode

    return "data:image/svg+xml;base64," + b64encode(buffer.getvalue()).decode()


def score_summary(application, language: str) -> list[dict]:
    """The stage results frozen in the subcommittee's recommendation (never an individual reviewer's)."""
    recommendation = getattr(application, "recommendation", None)
    if recommendation is None:
        return []
    stages = []
    for key, label in Stage.choices:
        stage = (recommendation.summary or {}).get(key)
        if not stage:
            continue
        stages.append(
            {
                "key": key,
                "label": label,
                "reviews": stage.get("reviews"),
                "score": stage.get("score"),
                "criteria": [
                    {
                        "title": (c.get("title_en") if language == "en" else None) or c.get("title_ko"),
                        "max": c.get("max"),
                        "mean": c.get("mean"),
                    }
                    for c in stage.get("criteria", [])
                ],
            }
        )
    return stages


def notice_context(notice: DecisionNotice) -> dict:
    resolution = notice.resolution
    application = resolution.agenda_item.application
    url = verification_url(notice)
    site = getattr(application, "site", None)
    return {
        "notice": notice,
        "resolution": resolution,
        "meeting": resolution.agenda_item.meeting,
        "application": application,
        "call": notice.call,
        "site": site,
        "anchors": list(application.anchor_companies.order_by("position", "pk")),
        "stages": score_summary(application, notice.language),
        "verification_url": url,
        "qr": qr_data_uri(url),
    }
