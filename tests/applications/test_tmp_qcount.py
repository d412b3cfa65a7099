import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.applications.test_staff import _many, LIST, CSV, XLSX, call, battery, robots  # noqa

pytestmark = pytest.mark.django_db

@pytest.mark.parametrize("n", [1, 50])
def test_count(client, ministry_staff, call, n):
    _many(call, n)
    client.force_login(ministry_staff)
    for url in (LIST, CSV, XLSX):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url)
            if hasattr(r, "streaming_content"):
                b"".join(r.streaming_content)
        print(n, url, len(ctx.captured_queries))
        if url == LIST:
            for q in ctx.captured_queries: print("   ", q["sql"][:150])
