"""Briefing sessions (설명회) and Q&A (질의응답) on a call."""

urlpatterns = []
