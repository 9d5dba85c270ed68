from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("groups/", views.GroupListView.as_view(), name="list"),
    path("groups/invites/<str:token>/", views.InviteAnswerView.as_view(), name="invite_answer"),
    path("groups/invitations/<id:pk>/", views.InviteAnswerMineView.as_view(), name="invite_answer_mine"),
    path("groups/<id:pk>/", views.GroupDetailView.as_view(), name="detail"),
    path("groups/<id:pk>/dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("groups/<id:pk>/activity/", views.GroupActivityView.as_view(), name="activity"),
    path("groups/<id:pk>/rename/", views.GroupRenameView.as_view(), name="rename"),
    path("groups/<id:pk>/leave/", views.LeaveView.as_view(), name="leave"),
    path("groups/<id:pk>/invite/", views.InviteCreateView.as_view(), name="invite"),
    path("groups/<id:pk>/invites/<id:invite_pk>/revoke/", views.InviteRevokeView.as_view(), name="invite_revoke"),
    path("groups/<id:pk>/members/<id:user_pk>/remove/", views.MemberRemoveView.as_view(), name="member_remove"),
    path("groups/<id:pk>/settle/", views.SettleView.as_view(), name="settle"),
    path("groups/<id:pk>/settlements/<id:settlement_pk>/delete/", views.SettlementDeleteView.as_view(),
         name="settlement_delete"),
    path("groups/<id:pk>/expenses/new/", views.ExpenseFormView.as_view(), name="expense_create"),
    path("groups/<id:pk>/expenses/<id:expense_pk>/edit/", views.ExpenseFormView.as_view(), name="expense_edit"),
    path("groups/<id:pk>/expenses/<id:expense_pk>/delete/", views.ExpenseDeleteView.as_view(),
         name="expense_delete"),
]
