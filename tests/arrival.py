"""Requests whose clock moves between their arrival and their handling (issue 11: a view that passes
timezone.now() instead of request.received_at must fail a test, which a clock frozen with tick=False never shows).

`late_client(settings)` puts a middleware right after core.middleware.ReceivedAtMiddleware that, once the
request is stamped, moves the frozen clock from `arrived` to `handled`; the returned `post(client, url, data,
arrived=, handled=)` sends one POST that way and expects the redirect of a handled form.
"""

import time_machine

_clock: dict = {}


def tick_after_arrival(get_response):
    def middleware(request):
        assert request.received_at == _clock["arrived"]
        _clock["traveller"].move_to(_clock["handled"])
        return get_response(request)

    return middleware


def late_client(settings):
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("core.middleware.ReceivedAtMiddleware") + 1, f"{__name__}.tick_after_arrival")
    settings.MIDDLEWARE = middleware

    def post(client, url, data=None, *, arrived, handled):
        _clock.update(arrived=arrived, handled=handled)
        with time_machine.travel(arrived, tick=False) as traveller:
            _clock["traveller"] = traveller
            response = client.post(url, data or {})
        assert response.status_code == 302, response.content.decode()[:3000]
        return response

    return post
