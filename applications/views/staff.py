"""Ministry staff: the applications list, exports, screening, deadline changes."""

urlpatterns = []
