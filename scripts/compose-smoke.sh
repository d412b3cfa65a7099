#!/usr/bin/env bash
# The compose stack, for real: build the images (from Debian packages when no registry answers), bring
# nginx + web + worker + beat + PostgreSQL + Redis + an SMTP sink up, submit a plan over HTTP through nginx
# as an applicant, wait for the receipt e-mail in the sink, and tear everything down (volumes included).
#
#   scripts/compose-smoke.sh                 # needs a running Docker engine and docker-compose (v1 or v2)
#   KEEP=1 scripts/compose-smoke.sh          # leave the stack up afterwards
#
# Prints the time of each step. Exit status 0 only if the receipt e-mail arrived.
set -euo pipefail
cd "$(dirname "$0")/.."

PROJECT=${PROJECT:-portal-smoke}
PORT=${PORTAL_PORT:-18580}
export PORTAL_PORT=$PORT MAILPIT_PORT=${MAILPIT_PORT:-18581}
export SECRET_KEY=${SECRET_KEY:-$(python3 -c "import secrets; print(secrets.token_urlsafe(50))")}
export POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-$(python3 -c "import secrets; print(secrets.token_hex(24))")}
EMAIL=smoke-applicant@example.kr
PASSWORD=smoke-portal-2026-$RANDOM

t_start=$(date +%s)
step() { echo "== [$(( $(date +%s) - t_start )) s] $*"; }

# docker-compose v1 (Debian's package) does not know the top-level `name:`; give it a copy without it.
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose -p "$PROJECT" -f docker-compose.yml -f deploy/compose.debian.yml)
else
  sed '/^name:/d' docker-compose.yml >.compose-smoke.yml
  compose=(docker-compose -p "$PROJECT" -f .compose-smoke.yml -f deploy/compose.debian.yml)
fi
cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then
    echo "stack left running: ${compose[*]} down -v"
  else
    step "tearing down"
    "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
    rm -f .compose-smoke.yml
  fi
  rm -rf wheelhouse
}
trap cleanup EXIT

step "base images (scripts/docker-base-images.sh)"
scripts/docker-base-images.sh
# PyPI answers this machine's pip but not pip inside a build container (TLS is intercepted by a proxy whose
# certificate only the host trusts): download the packages here, install them there without an index.
# async-timeout: redis needs it on Python < 3.11.3 (Debian 12 has 3.11.2; the host's pip may not).
step "downloading the Python packages with the host's pip (wheelhouse/)"
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
rm -rf wheelhouse
"$PYTHON" -m pip download -q --disable-pip-version-check -d wheelhouse -r requirements.txt setuptools wheel \
  async-timeout 2>&1 \
  | grep -v "is ignored: it is neither a file nor a directory" || true
step "building the portal image and the nginx image"
docker build -q --network host --build-arg PYTHON_IMAGE=local/python:3.11-bookworm \
  --build-arg PIP_INSTALL_OPTIONS="--no-index --find-links /tmp/requirements" -t designation-portal:local . >/dev/null
rm -rf wheelhouse
docker build -q --network host --build-arg BASE=local/bookworm -t designation-portal-nginx:local \
  -f deploy/docker/nginx/Dockerfile . >/dev/null

step "starting the stack"
"${compose[@]}" up -d --no-build
for _ in $(seq 120); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/" || true)
  [ "$code" = 200 ] && break
  sleep 1
done
[ "$code" = 200 ] || { "${compose[@]}" ps; "${compose[@]}" logs --tail 30; echo "no 200 from /health/ through nginx" >&2; exit 1; }
step "up: /health/ answers 200 through nginx"

step "creating an applicant with a complete draft plan (deploy/smoke_data.py)"
PLAN=$("${compose[@]}" run --rm -T migrate python deploy/smoke_data.py "$EMAIL" "$PASSWORD" | tail -n1 | tr -d '\r')

step "logging in and submitting plan $PLAN over HTTP through nginx"
python3 - "$PORT" "$EMAIL" "$PASSWORD" "$PLAN" <<'PY'
import http.cookiejar, re, sys, urllib.parse, urllib.request

port, email, password, plan = sys.argv[1:]
base = f"http://127.0.0.1:{port}"
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

def form(path, data):
    page = opener.open(base + path, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
    request = urllib.request.Request(base + path, body, headers={"Referer": base + path})
    return opener.open(request, timeout=60)

answer = form("/accounts/login/", {"username": email, "password": password})
assert "/accounts/login/" not in answer.geturl(), "login failed"
answer = form(f"/plans/{plan}/submit/", {})
html = answer.read().decode()
receipt = re.search(r"\d{4}-[A-Z]+-\d{3}", html)
assert answer.geturl().rstrip("/").endswith(f"/plans/{plan}") and receipt, f"submit refused: {answer.geturl()}"
print(f"   submitted: receipt number {receipt.group(0)} (HTTP {answer.status} after redirect)")
PY

step "the recorded submission instant is nginx's (web trusts nginx's fixed address only)"
line=$("${compose[@]}" logs --no-color nginx | grep "\"POST /plans/$PLAN/submit/ " | tail -n1)
edge=$(sed -E 's/.* end=([0-9.]+) rt=([0-9.]+).*/\1 \2/' <<<"$line" | awk '{printf "%.3f", $1 - $2}')
recorded=$("${compose[@]}" exec -T web python manage.py shell -c \
  "from applications.models import Application; print('%.3f' % Application.objects.get(pk=$PLAN).submitted_at.timestamp())" | tail -n1 | tr -d '\r')
echo "   edge arrival (end - rt in nginx's log): $edge   recorded submitted_at: $recorded"
[ "$edge" = "$recorded" ] || { echo "the portal did not take the edge's instant" >&2; exit 1; }

step "waiting for the receipt e-mail in the SMTP sink"
for _ in $(seq 90); do
  mails=$("${compose[@]}" exec -T mailpit python3 /usr/local/bin/mails 2>/dev/null || true)
  if grep -q "To: .*$EMAIL" <<<"$mails"; then break; fi
  sleep 1
done
if ! grep -q "To: .*$EMAIL" <<<"$mails"; then
  "${compose[@]}" logs --tail 40 worker web
  echo "no e-mail to $EMAIL arrived" >&2
  exit 1
fi
echo "$mails" | sed 's/^/   /'
step "receipt e-mail received; nginx saw:"
"${compose[@]}" logs --no-color nginx | grep -E '"(POST|GET) /(plans|accounts)' | sed 's/^/   /' | tail -n 6
step "smoke passed"
