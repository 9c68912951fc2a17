"""URLs used in the hall: a delegate's card and phone, the projector, the bulletin and receipt check."""

from django.urls import URLPattern, path

from thidua.conferences.views import hall

urlpatterns: list[URLPattern] = [
    path("card/<str:token>/", hall.card, name="card"),
    path("<int:pk>/vote/", hall.vote, name="vote"),
    path("<int:pk>/vote/status/", hall.vote_status, name="vote_status"),
    path("polls/<int:poll>/ballot/review/", hall.ballot_review, name="ballot_review"),
    path("polls/<int:poll>/ballot/edit/", hall.ballot_edit, name="ballot_edit"),
    path("polls/<int:poll>/ballot/cast/", hall.ballot_cast, name="ballot_cast"),
    path("<int:pk>/projector/", hall.projector, name="projector"),
    path("<int:pk>/projector/live/", hall.projector_live, name="projector_live"),
    path("polls/<int:poll>/bulletin/", hall.bulletin, name="bulletin"),
    path("polls/<int:poll>/bulletin.json", hall.bulletin_json, name="bulletin_json"),
    path("polls/<int:poll>/receipt/", hall.receipt, name="receipt"),
]
