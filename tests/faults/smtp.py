"""A real SMTP server on a local port whose misbehaviour a test chooses: answer normally, never answer, drop
the connection after receiving a message (before saying it was accepted), or wait before accepting."""

import email
import socket
import socketserver
import threading
import time


class Behaviour:
    NORMAL = "normal"
    SILENT = "silent"  # accepts the TCP connection, never says a word
    DROP_AFTER_DATA = "drop_after_data"  # reads the whole message, then hangs up instead of "250"
    SLOW_ACCEPT = "slow_accept"  # reads the message, waits `delay` seconds, then "250"


class FakeSMTP:
    def __init__(self):
        self.behaviour = Behaviour.NORMAL
        self.delay = 30.0
        self.received: list[email.message.Message] = []  # every message whose data was fully read
        self.data_started = threading.Event()
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 120

            def handle(self):
                outer._session(self)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.received]

    def _session(self, handler):
        behaviour = self.behaviour
        if behaviour == Behaviour.SILENT:
            time.sleep(handler.timeout)
            return
        write = handler.wfile.write
        write(b"220 fake ESMTP\r\n")
        while True:
            line = handler.rfile.readline()
            if not line:
                return
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                write(b"250 fake\r\n")
            elif command.startswith((b"MAIL", b"RCPT", b"RSET", b"NOOP")):
                write(b"250 OK\r\n")
            elif command == b"DATA":
                write(b"354 go ahead\r\n")
                self.data_started.set()
                chunks = []
                while True:
                    data = handler.rfile.readline()
                    if not data or data == b".\r\n":
                        break
                    chunks.append(data[1:] if data.startswith(b"..") else data)
                self.received.append(email.message_from_bytes(b"".join(chunks)))
                if behaviour == Behaviour.DROP_AFTER_DATA:
                    handler.connection.shutdown(socket.SHUT_RDWR)
                    return
                if behaviour == Behaviour.SLOW_ACCEPT:
                    time.sleep(self.delay)
                write(b"250 queued\r\n")
            elif command == b"QUIT":
                write(b"221 bye\r\n")
                return
            else:
                write(b"502 not implemented\r\n")
