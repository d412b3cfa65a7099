from .views import staff

app_name = "reviews"
urlpatterns = [
    *staff.urlpatterns,
]
