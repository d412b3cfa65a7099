"""The settings module's promises: embedded defaults, refusal without a real secret, a clean deploy check,
migrations in step with the models, and the configured database really in use."""

import os
import shutil
import subprocess
import sys

import pytest
from django.db import connection

from tests import services

ROOT = services.ROOT
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "x7!q9v$2mZp#4Lr8tWk@1bN6yHc0sJd3fG5uEa*VoQiRlTnXwYzPgK",
    "ALLOWED_HOSTS": "portal.motie.go.kr",
    "DATABASE_URL": "sqlite:////tmp/portal-deploy-check.sqlite3",
}


def manage(*args, env_overrides=None, timeout=120):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def signing_env(tmp_path_factory):
    """The issuing authority's key as production loads it: a PKCS#12 file, its passphrase, the CA to trust."""
    from core.signing import DEMO_ROOT, DEMO_SIGNER, make_demo_authority

    folder = tmp_path_factory.mktemp("authority") / "keys"
    make_demo_authority(folder, b"correct horse")
    return {
        "PORTAL_SIGNING_PKCS12": str(folder / DEMO_SIGNER),
        "PORTAL_SIGNING_PASSPHRASE": "correct horse",
        "PORTAL_SIGNING_TRUST_ROOTS": str(folder / DEMO_ROOT),
    }


def test_check_deploy_is_clean_for_a_production_configuration(signing_env):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env_overrides={**PRODUCTION_ENV, **signing_env})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "change",
    [
        {"PORTAL_SIGNING_PKCS12": ""},  # no key at all (and no demo authority in production)
        {"PORTAL_SIGNING_PASSPHRASE": "wrong"},
        {"PORTAL_SIGNING_PKCS12": "/nonexistent/signer.p12"},
        {"PORTAL_SIGNING_TRUST_ROOTS": ""},
    ],
    ids=["no key", "wrong passphrase", "missing file", "no trust roots"],
)
def test_check_deploy_fails_when_notices_could_not_be_signed(signing_env, change):
    result = manage("check", "--deploy", env_overrides={**PRODUCTION_ENV, **signing_env, **change})
    assert result.returncode != 0
    assert "portal.E001" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_real_secret_key():
    env = {**PRODUCTION_ENV}
    del env["SECRET_KEY"]
    result = manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_no_model_change_lacks_a_migration():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_the_configured_database_is_the_one_in_use():
    url = os.environ.get("DATABASE_URL", "")
    if services.required():
        assert url.startswith("postgres"), "REQUIRE_SERVICES=1: the suite must run on PostgreSQL (set DATABASE_URL)"
    if url.startswith("postgres"):
        assert connection.vendor == "postgresql"
    else:
        assert connection.vendor == "sqlite"


def test_time_zone_and_languages():
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Seoul" and settings.USE_TZ
    assert settings.LANGUAGE_CODE == "ko"
    assert [code for code, _ in settings.LANGUAGES] == ["ko", "en"]


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """A web request's query never pays JIT compilation (issue 12: 9.9 s of a 10 s ranking query)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize(("age", "expected"), [("", "0 False"), ("0", "0 False"), ("60", "60 True")])
def test_kept_database_connections_are_health_checked(age, expected):
    """DB_CONN_MAX_AGE keeps connections between requests (production: 60 s); a kept one is checked before
    reuse, so a PostgreSQL restart costs a reconnect rather than a failed request."""
    env = {"DB_CONN_MAX_AGE": age} if age else {}
    code = "from django.db import connection as c; print(c.settings_dict['CONN_MAX_AGE'], c.settings_dict['CONN_HEALTH_CHECKS'])"
    out = manage("shell", "-c", code, env_overrides=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == expected


def test_make_run_seeds_the_demo_on_sqlite(tmp_path):
    """`make run` runs on SQLite, which CI's suite (on PostgreSQL) never touches: seeding the demo there once
    failed in Django's SQLite StdDev on the ranking's NULL join row. Migrate and seed in a fresh SQLite file."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "PORTAL_VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    migrated = manage("migrate", "--no-input", "-v0", env_overrides=env)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    seeded = manage("seed_demo", "--quiet-accounts", env_overrides=env, timeout=900)
    assert seeded.returncode == 0, seeded.stderr[-3000:]


def test_make_run_gives_the_portal_the_address_it_serves_at():
    """Links and QR codes of notices use PORTAL_BASE_URL: `make run PORT=…` sets it from its own HOST and PORT
    (never a fixed port 8000), and an address set by the operator wins."""
    services.need("make", shutil.which("make") is not None, "apt-get install make")
    show = ["make", "-s", "--eval", "show-base-url: ; @echo $$PORTAL_BASE_URL", "show-base-url"]
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_BASE_URL"}
    out = subprocess.run([*show, "PORT=8765"], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "http://127.0.0.1:8765"
    env["PORTAL_BASE_URL"] = "https://portal.motie.go.kr"
    out = subprocess.run([*show, "PORT=8765"], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "https://portal.motie.go.kr"
