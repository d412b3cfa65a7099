"""Print the current two-step sign-in code of the demo accounts (demo data only: it knows no other key)."""

import base64
import time

from django.core.management.base import BaseCommand
from django_otp.oath import TOTP

from accounts.demo import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Print the current code of the demo authenticator (admin@, staff@, secretariat@demo.kr)."

    def handle(self, *args, **options):
        key = bytes.fromhex(DEMO_TOTP_KEY)
        totp = TOTP(key)
        left = 30 - int(time.time()) % 30
        self.stdout.write(f"{totp.token():06d}  (valid for {left} s more; key {base64.b32encode(key).decode()})")
