"""gunicorn's threaded worker, with a deadline for a request's headers.

gunicorn's gthread worker hands every connection to a thread, which then reads
the request line and headers with blocking reads and no deadline: a client that
sends half a request and trickles the rest keeps that thread for as long as it
likes, and a few dozen such clients take every thread of every worker. (An idle
connection costs a thread for 5 s before gunicorn puts it back on its poller.)

This worker lets a connection reach a thread only once its whole header block
(up to the blank line) has arrived, which it checks from the worker's main loop
by peeking at the socket without reading:

- nothing sent yet: the connection waits on gunicorn's poller, and is closed
  after ``keepalive`` seconds of silence, as gunicorn closes idle connections;
- part of a header block: the connection waits in a list the main loop looks at
  again on each turn (at least once a second), and is closed when the block is
  not complete ``GUNICORN_HEADER_TIMEOUT`` seconds (default 10) after it began;
- a complete header block: a thread reads and serves the request as usual.

A request body is still read by the thread; the ingress buffers bodies before
it forwards a request. TLS is terminated before gunicorn, so sockets are plain.
"""

import os
import selectors
import socket
import time
from functools import partial

from gunicorn.workers.gthread import ThreadWorker

HEADER_TIMEOUT_SECONDS = float(os.environ.get("GUNICORN_HEADER_TIMEOUT", "10"))
# Beyond this many buffered bytes without a blank line the parser decides (it
# rejects a request line or header block over gunicorn's limits).
PEEK_BYTES = 64 * 1024
END_OF_HEADERS = b"\r\n\r\n"


class HeaderDeadlineThreadWorker(ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.partial_conns = []

    def enqueue_req(self, conn):
        """Hand ``conn`` to a thread when its request can be read without waiting."""
        state = self.header_state(conn)
        if state == "complete":
            conn.header_deadline = None
            super().enqueue_req(conn)
        elif state == "silent":
            self.wait_on_poller(conn)
        else:
            if getattr(conn, "header_deadline", None) is None:
                conn.header_deadline = time.monotonic() + HEADER_TIMEOUT_SECONDS
            self.partial_conns.append(conn)

    def header_state(self, conn) -> str:
        if self.cfg.is_ssl or conn.is_http2:
            return "complete"
        if conn.parser is not None and conn.parser.unreader.buf.getvalue():
            return "complete"  # read ahead by the previous request's thread
        try:
            data = conn.sock.recv(PEEK_BYTES, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return "silent"
        except OSError:
            return "complete"  # let the thread meet the error and close the connection
        if not data or END_OF_HEADERS in data or len(data) >= PEEK_BYTES:
            return "complete"  # an empty read is the client closing: the thread closes too
        return "partial"

    def wait_on_poller(self, conn):
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))

    def murder_pending(self):
        """Run on every turn of the main loop: gunicorn's idle connections, then the partial ones."""
        super().murder_pending()
        waiting, self.partial_conns = self.partial_conns, []
        now = time.monotonic()
        for conn in waiting:
            if not self.alive or now >= conn.header_deadline:
                self.nr_conns -= 1
                conn.close()
            else:
                self.enqueue_req(conn)
