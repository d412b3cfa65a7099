from django.urls import path

from .views import consultations, evaluator, packets, staff, staff_plans, subcommittee

app_name = "reviews"
urlpatterns = [
    path("", evaluator.my_assignments, name="mine"),
    path("assignments/<int:pk>/", evaluator.review, name="review"),
    path("assignments/<int:pk>/declare/", evaluator.declare, name="declare"),
    path("assignments/<int:pk>/plan/", evaluator.plan, name="plan"),
    path("assignments/<int:pk>/plan/files/<str:sha256>/", evaluator.plan_file, name="plan_file"),
    path("assignments/<int:pk>/others/", evaluator.others, name="others"),
    path("assignments/<int:pk>/plan.pdf", packets.assignment_pdf, name="assignment_pdf"),
    path("assignments/<int:pk>/plan.pdf/prepare/", packets.assignment_pdf_request, name="assignment_pdf_request"),
    path("plans/<int:pk>/versions/<int:number>/plan.pdf", packets.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/versions/<int:number>/plan.pdf/prepare/", packets.plan_pdf_request, name="plan_pdf_request"),
    path("subcommittee/", subcommittee.plan_list, name="subcommittee"),
    path("subcommittee/plans/<int:pk>/", subcommittee.plan_detail, name="subcommittee_plan"),
    path(
        "subcommittee/plans/<int:pk>/opinions/<int:consultation>/file/",
        consultations.subcommittee_file,
        name="subcommittee_opinion_file",
    ),
    path("subcommittee/plans/<int:pk>/notes/", subcommittee.add_note, name="subcommittee_note"),
    path("subcommittee/plans/<int:pk>/recommend/", subcommittee.recommend, name="recommend"),
    path("staff/", staff.calls, name="staff_calls"),
    path("staff/plans/<int:plan>/consultation/", consultations.consultation, name="staff_consultation"),
    path("staff/plans/<int:plan>/consultation/request/", consultations.request_opinions, name="staff_request_opinions"),
    path("staff/consultations/<int:pk>/opinion/", consultations.record_opinion, name="staff_record_opinion"),
    path("staff/consultations/<int:pk>/file/", consultations.staff_file, name="staff_opinion_file"),
    path("staff/calls/<slug:slug>/panels/", staff.panels, name="staff_panels"),
    path("staff/calls/<slug:slug>/ranking/<str:stage>/", staff.call_ranking, name="staff_ranking"),
    path("staff/panels/<int:pk>/", staff.dashboard, name="staff_dashboard"),
    path("staff/panels/<int:pk>/start/", staff.start_all, name="staff_start_all"),
    path("staff/panels/<int:pk>/members/", staff.members, name="staff_members"),
    path("staff/panels/<int:pk>/assignments/", staff.assignments, name="staff_assignments"),
    path("staff/panels/<int:pk>/assignments/unassign/", staff.unassign, name="staff_unassign"),
    path("staff/panels/<int:pk>/conflicts/", staff.conflict_list, name="staff_conflicts"),
    path("staff/panels/<int:pk>/scores.xlsx", staff_plans.score_sheet, name="staff_score_sheet"),
    path("staff/panels/<int:pk>/plans/<int:plan>/", staff_plans.plan, name="staff_plan"),
    path(
        "staff/panels/<int:pk>/plans/<int:plan>/reviews/<int:review>/reopen/", staff_plans.reopen, name="staff_reopen"
    ),
    path("staff/panels/<int:pk>/plans/<int:plan>/start/", staff_plans.start, name="staff_start"),
    path("staff/panels/<int:pk>/plans/<int:plan>/move/", staff_plans.move, name="staff_move"),
    path("staff/panels/<int:pk>/plans/<int:plan>/packet/", staff_plans.packet_request, name="staff_packet"),
    path(
        "staff/panels/<int:pk>/plans/<int:plan>/packet.pdf", staff_plans.packet_download, name="staff_packet_download"
    ),
]
