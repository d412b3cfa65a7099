"""What a decision notice says: the template context, the verification URL and its QR code."""

from __future__ import annotations

import io
from base64 import b64encode

from django.conf import settings
from django.urls import reverse

from reviews.models import Stage

from .models import DecisionNotice


def verification_url(notice: DecisionNotice) -> str:
    """The verification page at the portal's configured public address (settings.PORTAL_BASE_URL)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("committee:verify", kwargs={"code": notice.display_code})


def qr_data_uri(url: str) -> str:
    """The QR code of `url` as a PNG of one pixel per module (with the two-module quiet zone), which the notice
    scales up with `image-rendering: pixelated` (no smoothing: each module stays a sharp square at any size).
    A bitmap of ~40 x 40 pixels costs WeasyPrint almost nothing; the same code as SVG was a path of some 600
    segments parsed and drawn per notice, a tenth of its render (issue 12)."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=1, border=2)
    return "data:image/png;base64," + b64encode(buffer.getvalue()).decode()


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
