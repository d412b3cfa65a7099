from django.utils import timezone


class ReceivedAtMiddleware:
    """Take the instant a request arrives, once. Deadlines are judged against it and it is recorded as the
    submission time, so an upload that started before 18:00 counts as before 18:00."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.received_at = timezone.now()
        return self.get_response(request)
