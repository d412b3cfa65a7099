#!/bin/sh
# System packages the portal needs beyond Python: a Korean font and Pango for WeasyPrint PDFs, gettext for
# the catalogues; for the tests also poppler-utils (pdftotext), Chromium (browser tests) and nginx (the fault
# tests run the production topology, nginx in front of gunicorn, as processes: tests/faults/) and Java (vnu).
# As root on Debian/Ubuntu the missing ones are installed; otherwise the exact command is printed.
mode="${1:-run}"
missing=""
need() { dpkg -s "$1" >/dev/null 2>&1 || missing="$missing $1"; }

if ! command -v dpkg >/dev/null 2>&1; then
  echo "Not a Debian-based system: install a Korean font (Nanum or Noto CJK), Pango 1.44+, HarfBuzz,"
  echo "gettext, and for the tests poppler-utils and Chromium, with your package manager."
  exit 0
fi
need fonts-nanum
need libpango-1.0-0
need libpangoft2-1.0-0
need libharfbuzz-subset0
need gettext
if [ "$mode" = "test" ]; then
  need poppler-utils
  need chromium
  need nginx
  # Java runs the Nu Html Checker (vnu.jar from npm) in the page crawler; any JRE 11+ will do.
  command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
fi
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; } || \
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; } || {
      echo "Could not install:$missing" >&2; exit 1; }
else
  echo "Missing system packages:$missing"
  echo "Install them with:  sudo apt-get install -y$missing"
  [ "$mode" = "run" ] && echo "(the portal starts without them, but PDFs will show empty boxes for Korean text)"
fi
exit 0
