from django.urls import path

from . import views

app_name = "mentors"

urlpatterns = [
    path("c/<slug:slug>/mentors/", views.queue, name="queue"),
    path("c/<slug:slug>/mentors/apply/", views.apply, name="apply"),
    path("c/<slug:slug>/mentors/welcome/<str:username>/", views.welcome, name="welcome"),
    path("mentors/welcomes/<int:pk>/seen/", views.welcome_seen, name="welcome_seen"),
    path("mentors/review/", views.review_list, name="review_list"),
    path("mentors/review/<int:pk>/", views.review, name="review"),
]
