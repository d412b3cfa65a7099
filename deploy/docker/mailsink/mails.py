"""Print each message in the sink's Maildir: To, Subject, Message-ID and the first lines of its text."""

import mailbox
from email.header import decode_header, make_header

for _key, message in sorted(mailbox.Maildir("/mail", create=False).items()):
    subject = str(make_header(decode_header(str(message.get("Subject", "")))))
    body = ""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8", "replace")
            break
    print(f"To: {message['To']}\nSubject: {subject}\nMessage-ID: {message['Message-ID']}")
    print("\n".join(body.splitlines()[:8]))
    print("----")
