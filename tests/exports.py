"""Asking for a spreadsheet the way a staff user does: POST the export's form, let the job run (Celery is eager
in tests; the task is queued on commit), open the job's page and download the file."""

import io

import openpyxl
from django.test import TestCase
from django.urls import resolve, reverse

from core.models import ExportJob


def export_via_job(client, url, query: dict | None = None, **headers):
    """(job, the download response, the file's bytes) of the export `url` asks for."""
    if query:
        from urllib.parse import urlencode

        url = f"{url}?{urlencode(query)}"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, **headers)
    assert response.status_code == 302, response.status_code
    match = resolve(response["Location"])
    assert match.view_name == "core:export_job"
    job = ExportJob.objects.get(pk=match.kwargs["pk"])
    assert job.status == ExportJob.Status.READY, job.last_error
    page = client.get(response["Location"], **headers)
    download_url = reverse("core:export_download", args=[job.pk])
    assert download_url in page.content.decode()
    download = client.get(download_url, **headers)
    assert download.status_code == 200
    return job, download, b"".join(download.streaming_content)


def workbook_via_job(client, url, query: dict | None = None, **headers):
    _job, _download, content = export_via_job(client, url, query, **headers)
    return openpyxl.load_workbook(io.BytesIO(content))
