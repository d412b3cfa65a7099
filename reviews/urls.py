from .views import evaluator, staff, subcommittee

app_name = "reviews"
urlpatterns = [
    *evaluator.urlpatterns,
    *subcommittee.urlpatterns,
    *staff.urlpatterns,
]
