"""Issue 14: the particle markers of messages that name a file or an organisation are resolved on the page."""

import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.korean import particle

from .conftest import BEFORE
from .test_participation_consent import invitation, partner, partner_owner  # noqa: F401
from .test_uploads import PNG

pytestmark = pytest.mark.django_db
MARKERS = re.compile(r"은\(는\)|을\(를\)|이\(가\)|\(으\)로|과\(와\)")


def test_a_refused_upload_names_the_file_with_its_particle_at_the_field(client, plan, applicant):
    client.force_login(applicant)
    with time_machine.travel(BEFORE, tick=False):
        response = client.post(
            reverse("applications:attachments", args=[plan.pk]),
            {"kind": "plan_document", "file": SimpleUploadedFile("계획서.pdf", PNG)},
            HTTP_ACCEPT_LANGUAGE="ko",
        )
    html = response.content.decode()
    field_error = re.search(r'<div id="id_file_error"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "“계획서.pdf”는 PDF 파일이 아닙니다" in field_error  # .pdf ends in 에프, a vowel
    assert not MARKERS.search(html)


def test_an_invitation_names_both_organisations_with_their_particles(client, invitation, partner_owner):  # noqa: F811
    client.force_login(partner_owner)
    html = client.get(reverse("applications:invitations"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    lead, org = invitation.application.organization.name, invitation.organization.name
    assert f"{lead}{particle(lead, '이(가)')} {org}{particle(org, '을(를)')}" in html
    assert not MARKERS.search(html)
