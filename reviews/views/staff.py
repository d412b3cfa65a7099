"""Ministry staff: panels, assignment, conflicts, the dashboard and ranking, exports, workflow steps."""

urlpatterns: list = []
