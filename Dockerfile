# syntax=docker/dockerfile:1
#
# Image for the designation portal: one image, four roles (web, worker, beat, migrate); docker-compose.yml
# picks the command. Build:  docker build -t designation-portal .
#
# Stage 1 compiles the Python dependencies (psycopg2 is built from source, so it needs gcc and libpq-dev);
# stage 2 is the runtime and only carries the shared libraries, never a compiler.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---------------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev libpq-dev \
 && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# Where the registry is not reachable from inside a build, the packages can be fetched outside and handed
# in: a `wheelhouse/` folder in the context (copied if present) and
# --build-arg PIP_INSTALL_OPTIONS="--no-index --find-links /tmp/requirements" (scripts/compose-smoke.sh).
ARG PIP_INSTALL_OPTIONS=""
COPY requirements.txt wheelhouse* /tmp/requirements/
RUN pip install ${PIP_INSTALL_OPTIONS} -r /tmp/requirements/requirements.txt

# ---------------------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

# Runtime libraries only:
#   libpq5                                   psycopg2
#   libpango-1.0-0 libpangoft2-1.0-0         WeasyPrint (Pango >= 1.44; bookworm has 1.50)
#   libharfbuzz-subset0                      WeasyPrint font subsetting
#   fonts-nanum                              Korean glyphs in PDFs (otherwise empty boxes)
#   fontconfig                               fc-cache: a system font cache built once, here
#   gettext                                  msgfmt for `compilemessages` below
#   tzdata                                   TIME_ZONE = "Asia/Seoul"
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpq5 \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-nanum fontconfig \
        gettext \
        tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && fc-cache -f

# Unprivileged user. Its home is writable (fontconfig / celery caches); the code itself stays root-owned.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
COPY . /app

# Build-time only: settings refuse to load with DEBUG off and no >= 50-character SECRET_KEY, so these two
# management commands get a throw-away key and a throw-away SQLite database (neither is stored in ENV,
# nothing is migrated). The real key comes from the environment at run time.
ARG BUILD_SECRET_KEY=build-only-dummy-secret-key-never-used-at-runtime-0123456789abcdefghijklmnop
RUN DJANGO_DEBUG=false \
    SECRET_KEY="${BUILD_SECRET_KEY}" \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    PORTAL_VAR_DIR=/tmp/portal-build-var \
    python manage.py compilemessages \
 && DJANGO_DEBUG=false \
    SECRET_KEY="${BUILD_SECRET_KEY}" \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    PORTAL_VAR_DIR=/tmp/portal-build-var \
    STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --no-input \
 && rm -rf /tmp/build.sqlite3 /tmp/portal-build-var \
 && mkdir -p /app/media \
 && chown app:app /app/media

# /app/media (uploads, generated PDFs) is where compose mounts the named volume. It is created above and
# owned by `app`, so a fresh named volume inherits that ownership. No VOLUME instruction: it would give the
# migrate/beat containers stray anonymous volumes.

USER app

EXPOSE 8000

# deploy/gunicorn.conf.py: sync workers behind nginx (deploy/nginx.conf), 60 s timeout, request-head limits.
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3"]
