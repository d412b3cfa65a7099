from django.contrib.auth import views as auth_views
from django.urls import path

from . import two_factor, views

k = views.password_urls_kwargs
app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("register/sent/", views.register_done, name="register_done"),
    path("two-factor/", two_factor.verify, name="two_factor"),
    path("two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path("session/", views.session_status, name="session_status"),
    path("password/reset/", auth_views.PasswordResetView.as_view(**k["password_reset"]), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(**k["password_reset_done"]),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(**k["password_reset_confirm"]),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(**k["password_reset_complete"]),
        name="password_reset_complete",
    ),
    path("password/change/", auth_views.PasswordChangeView.as_view(**k["password_change"]), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(**k["password_change_done"]),
        name="password_change_done",
    ),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("organizations/pending/", views.approval_queue, name="approval_queue"),
    path("organizations/<int:pk>/approve/", views.approve, name="approve"),
    path("organizations/<int:pk>/reject/", views.reject, name="reject"),
]
