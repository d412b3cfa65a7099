from django.urls import path
from django.views.decorators.http import require_POST

from core.ratelimit import rate_limited

from .views import conditions, meetings, notices, public, resolutions

app_name = "committee"
urlpatterns = [
    path("committee/", meetings.meeting_list, name="meetings"),
    path("committee/meetings/new/", meetings.meeting_form, name="meeting_new"),
    path("committee/meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("committee/meetings/<int:pk>/edit/", meetings.meeting_form, name="meeting_edit"),
    path("committee/meetings/<int:pk>/agenda/", meetings.add_agenda_item, name="add_agenda_item"),
    path("committee/meetings/<int:pk>/notices/", notices.meeting_notices, name="notices"),
    path("committee/meetings/<int:pk>/notices/progress/", notices.progress, name="notice_progress"),
    path("committee/meetings/<int:pk>/notices/send/", notices.send, name="send_notices"),
    path("committee/agenda/<int:pk>/resolution/", resolutions.record, name="record"),
    path("committee/resolutions/<int:pk>/", resolutions.detail, name="resolution"),
    path("committee/resolutions/<int:pk>/confirm/", resolutions.confirm, name="confirm"),
    path("committee/resolutions/<int:pk>/correct/", resolutions.correct, name="correct"),
    path("committee/resolutions/<int:pk>/minutes/", resolutions.minutes, name="minutes"),
    path("committee/notices/<int:pk>/", notices.preview, name="notice"),
    path("committee/notices/<int:pk>/retry/", notices.retry, name="retry"),
    path("plans/<int:pk>/decision/", notices.applicant_result, name="applicant_result"),
    path("plans/<int:pk>/decision-notice/", notices.applicant_download, name="applicant_notice"),
    path("committee/plans/<int:pk>/conditions/", conditions.staff_conditions, name="staff_conditions"),
    path("committee/conditions/<int:pk>/decide/", conditions.staff_decide, name="staff_decide_condition"),
    path("committee/condition-answers/<int:pk>/file/", conditions.staff_answer_file, name="staff_condition_file"),
    path("plans/<int:pk>/conditions/<int:number>/", conditions.answer, name="condition"),
    path(
        "plans/<int:pk>/conditions/<int:number>/answers/<int:answer_pk>/file/",
        conditions.answer_file,
        name="condition_file",
    ),
    path("verify/", public.verify_start, name="verify_start"),
    # POST only before counting: a GET is answered 405 without using up the client's checks.
    path(
        "verify/file/",
        require_POST(rate_limited("verify_file", limit=20, per=60)(public.verify_file)),
        name="verify_file",
    ),
    path("verify/<str:code>/", rate_limited("verify", limit=30, per=60)(public.verify), name="verify"),
    path("designations/", public.designations, name="designations"),
    path("designations.csv", public.designations_csv, name="designations_csv"),
]
