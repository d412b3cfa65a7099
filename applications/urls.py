from django.urls import path

from .views import briefings, calls, invitations, plans, staff

app_name = "applications"
urlpatterns = [
    path("calls/", calls.call_list, name="calls"),
    path("calls/<slug:slug>/", calls.call_detail, name="call"),
    path("calls/<slug:slug>/documents/<int:pk>/", calls.call_document, name="call_document"),
    path("calls/<slug:slug>/plans/new/", plans.create, name="create"),
    path("plans/", plans.my_applications, name="mine"),
    path("plans/<int:pk>/", plans.detail, name="detail"),
    path("plans/<int:pk>/sections/<slug:key>/", plans.edit_section, name="section"),
    path("plans/<int:pk>/attachments/", plans.attachments, name="attachments"),
    path("plans/<int:pk>/attachments/<int:attachment_pk>/", plans.download_attachment, name="attachment"),
    path("plans/<int:pk>/attachments/<int:attachment_pk>/remove/", plans.remove_attachment, name="remove_attachment"),
    path("plans/<int:pk>/participants/", plans.participants, name="participants"),
    path("invitations/", invitations.invitations, name="invitations"),
    path("invitations/<int:pk>/answer/", invitations.respond, name="invitation_respond"),
    path("plans/<int:pk>/preview/", plans.preview, name="preview"),
    path("plans/<int:pk>/submit/", plans.submit, name="submit"),
    path("plans/<int:pk>/withdraw/", plans.withdraw, name="withdraw"),
    path("plans/<int:pk>/versions/", plans.versions, name="versions"),
    path("plans/<int:pk>/versions/<int:number>/", plans.version_detail, name="version"),
    path("plans/<int:pk>/versions/<int:number>/receipt/", plans.receipt, name="receipt"),
    path("plans/<int:pk>/versions/<int:old>/diff/<int:new>/", plans.version_diff, name="diff"),
    path("plans/<int:pk>/history/", plans.history, name="history"),
    path("calls/<slug:slug>/briefing/<int:pk>/register/", briefings.briefing_register, name="briefing_register"),
    path(
        "calls/<slug:slug>/briefing/registrations/<int:pk>/cancel/", briefings.briefing_cancel, name="briefing_cancel"
    ),
    path("calls/<slug:slug>/questions/", briefings.questions, name="questions"),
    path("calls/<slug:slug>/questions/<int:pk>/", briefings.question, name="question"),
    path("staff/briefings/", briefings.staff_briefings, name="staff_briefings"),
    path("staff/briefings/<int:pk>/", briefings.staff_briefing, name="staff_briefing"),
    path("staff/briefings/<int:pk>/export/<slug:fmt>/", briefings.staff_briefing_export, name="staff_briefing_export"),
    path("staff/questions/", briefings.staff_questions, name="staff_questions"),
    path("staff/questions/<int:pk>/", briefings.staff_question, name="staff_question"),
    path("staff/plans/", staff.application_list, name="staff_applications"),
    path("staff/plans/export.csv", staff.export_csv, name="staff_export_csv"),
    path("staff/plans/export.xlsx", staff.export_xlsx, name="staff_export_xlsx"),
    path("staff/plans/<int:pk>/screening/", staff.screen, name="staff_screen"),
    path("staff/calls/<slug:slug>/deadline/", staff.deadline, name="staff_deadline"),
    path("staff/calls/<slug:slug>/timeline/", staff.timeline, name="staff_timeline"),
]
