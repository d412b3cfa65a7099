from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from core.clock import format_kst

from .. import briefing_services, deadline, selectors
from ..models import Call, CallDocument
from ..uploads import download_response


def call_list(request):
    calls = Call.objects.published().prefetch_related("fields")
    return render(request, "applications/calls/list.html", {"calls": calls, "now": request.received_at})


def call_detail(request, slug):
    call = selectors.PUBLISHED_CALL.first(slug)
    if call is None:
        raise Http404
    context = {
        "call": call,
        "fields": selectors.CALL_FIELDS.all(call.pk),
        "documents": selectors.CALL_DOCUMENTS.all(call.pk),
        "now": request.received_at,
        "accepting": deadline.accepts_changes(call, request.received_at),
        "deadline_kst": format_kst(call.deadline),
        # The rule on the page (README: "The deadline"): a slower request counts when its transfer ended.
        "max_transfer_minutes": max(1, settings.PORTAL_EDGE_MAX_TRANSFER_SECONDS // 60),
        "opens_kst": format_kst(call.opens_at),
        "faq": selectors.CALL_FAQ.all(call.pk),
        "extensions": selectors.CALL_EXTENSIONS.all(call.pk),
    }
    # Briefing seats and the user's registrations / questions, for the two blocks at the foot of the page.
    context.update(briefing_services.call_page_context(call, request.user, request.received_at))
    return render(request, "applications/calls/detail.html", context)


def call_document(request, slug, pk):
    document = get_object_or_404(
        CallDocument.objects.select_related("call"), pk=pk, call__slug=slug, call__published=True
    )
    if not document.file:
        raise Http404
    return download_response(document.file, filename=document.original_name, content_type=None)
