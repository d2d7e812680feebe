from django.contrib.auth import views as auth_views
from django.urls import path

from omni_privacy.console import views
from omni_privacy.console.login import SignInView

app_name = "console"

urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.language, name="language"),
    path("", views.registry, name="registry"),
    path("people/<uuid:public_id>/", views.person, name="person"),
]
