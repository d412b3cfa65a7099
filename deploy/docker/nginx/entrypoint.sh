#!/bin/sh
# Render deploy/nginx.conf from the environment and run nginx in the foreground; logs to the container's
# stdout/stderr. NGINX_UPSTREAM (web:8000), NGINX_LISTEN (80), PORTAL_MAX_UPLOAD_BYTES (50 MB).
set -eu
max=${PORTAL_MAX_UPLOAD_BYTES:-52428800}
sed -e "s|@LISTEN@|${NGINX_LISTEN:-80}|g" \
    -e "s|@UPSTREAM@|${NGINX_UPSTREAM:-web:8000}|g" \
    -e "s|@RUN_DIR@|/run/nginx-portal|g" \
    -e "s|@ACCESS_LOG@|/dev/stdout|g" \
    -e "s|@ERROR_LOG@|/dev/stderr|g" \
    -e "s|@USER@|www-data|g" \
    -e "s|@MAX_BODY@|$((max + 5 * 1024 * 1024))|g" \
    -e "s|@MAX_UPLOAD_MB@|$((max / 1024 / 1024))|g" \
    /etc/nginx/portal.conf.template >/etc/nginx/portal.conf
nginx -t -q -c /etc/nginx/portal.conf
exec nginx -c /etc/nginx/portal.conf -g 'daemon off;'
