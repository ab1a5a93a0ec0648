"""The complaints pages' addresses."""

from django.urls import path

from register.views.conduct import complaints

app_name = "complaints"
urlpatterns = [
    path("", complaints.complaint_list, name="list"),
    path("new/", complaints.record, name="new"),
    path("<int:complaint_id>/", complaints.detail, name="detail"),
    path("<int:complaint_id>/consult/", complaints.consult, name="consult"),
    path("<int:complaint_id>/view/", complaints.give_view, name="give-view"),
    path("<int:complaint_id>/decide/", complaints.decide, name="decide"),
    path("<int:complaint_id>/tell-member/", complaints.tell_member, name="tell-member"),
    path("<int:complaint_id>/actions/", complaints.actions, name="actions"),
    path("<int:complaint_id>/close/", complaints.close, name="close"),
    path("<int:complaint_id>/withdraw/", complaints.withdraw, name="withdraw"),
]
