"""This app's API routes, included by config/api_router.py under /api/v1/.

A SimpleRouter (no API root of its own, which would clash with the main router's). Routes under a group carry
its id as ``group_pk``; ids are digits only, so groups/<id>/settle-up/ is never read as an id.
"""

from rest_framework.routers import SimpleRouter

from groups.api import views

router = SimpleRouter()
router.register("groups", views.GroupViewSet, basename="group")
router.register(f"{views.GROUP_ROUTE}/members", views.GroupMemberViewSet, basename="group-member")
router.register(f"{views.GROUP_ROUTE}/invites", views.GroupInviteViewSet, basename="group-invite")
router.register(f"{views.GROUP_ROUTE}/expenses", views.GroupExpenseViewSet, basename="group-expense")
router.register(f"{views.GROUP_ROUTE}/settlements", views.GroupSettlementViewSet, basename="group-settlement")
router.register("invites", views.GroupInviteAnswerViewSet, basename="group-invite-answer")

urlpatterns = [*router.urls]
