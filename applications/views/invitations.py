"""Invitations to take part in another organisation's plan, answered by an owner of the invited organisation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import Refused, refuse
from core.permissions import get_permitted_object_or_404

from .. import services
from ..forms import InvitationAnswerForm
from ..models import Participation


@login_required
def invitations(request):
    pending = (
        Participation.objects.answerable_by(request.user)
        .waiting()
        .select_related("organization", "application", "application__organization", "application__call")
        .order_by("-added_at")
    )
    return render(request, "applications/invitations.html", {"invitations": pending})


@require_POST
@login_required
def respond(request, pk):
    participation = get_permitted_object_or_404(
        request.user,
        "applications.respond_to_invitation",
        Participation.objects.answerable_by(request.user).select_related("application", "organization"),
        pk=pk,
    )
    form = InvitationAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to accept or decline the invitation."))
        return redirect("applications:invitations")
    accept = form.cleaned_data["answer"] == "accept"
    try:
        services.respond_to_invitation(request.user, participation, accept=accept, at=request.received_at)
    except Refused as exc:
        refuse(request, exc)
    else:
        names = {"name": participation.organization.name, "title": participation.application.title}
        if accept:
            messages.success(request, _("%(name)s now takes part in “%(title)s”.") % names)
        else:
            messages.success(request, _("%(name)s declined to take part in “%(title)s”.") % names)
    return redirect("applications:invitations")
