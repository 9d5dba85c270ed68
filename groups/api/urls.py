"""This app's API routes, included by config/api_router.py under /api/v1/."""

urlpatterns: list = []
