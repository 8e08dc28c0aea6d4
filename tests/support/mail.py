"""A real SMTP server's mailbox (aiosmtpd), for the ``mailbox`` fixture; a server that
misbehaves on cue (``ScriptedMailbox``, ``smtp_serving``) for tests of the mail sender."""

import asyncio
import os
import re
import signal
import socket
import time
from contextlib import contextmanager
from email import message_from_bytes, policy


class Mailbox:
    """Messages received by a real (aiosmtpd) SMTP server."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def deliver(self):
        """Run the outbox sender (as the worker would) and return all messages received."""
        from portal import mail

        mail.send_pending()
        return self.messages

    def to(self, address: str):
        return [m for m in self.deliver() if m["To"] == address]

    def last_link(self, address: str, path_fragment: str = "") -> str:
        """The last http link in the last message sent to ``address``."""
        messages = self.to(address)
        assert messages, f"no email to {address}"
        body = messages[-1].get_body(("plain",)).get_content()
        links = [link for link in re.findall(r"https?://\S+", body) if path_fragment in link]
        assert links, f"no link with {path_fragment!r} in: {body}"
        return links[-1]


class ScriptedMailbox(Mailbox):
    """A mailbox whose server misbehaves on cue, for tests of the sender's retries and of a
    sender killed halfway:

    - ``refuse["RCPT"]`` / ``refuse["DATA"]``: answer that command with this reply
      (``"451 4.3.0 Try again later"``, ``"550 5.1.1 No such user"``);
    - ``kill_at = "RCPT"``: SIGKILL the process ``kill_pid`` when the recipient is given,
      before answering; ``kill_at = "DATA"``: store the message, then SIGKILL it before
      answering 250 (the relay has the message, the sender never hears so); once each;
    - ``hang_up_at = "DATA"``: store the message, then close the connection unanswered.

    ``commands`` lists the RCPT and DATA commands received, in order.
    """

    def __init__(self):
        super().__init__()
        self.refuse: dict[str, str] = {}
        self.kill_at: str | None = None
        self.kill_pid: int | None = None
        self.hang_up_at: str | None = None
        self.commands: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.commands.append("RCPT")
        if self.kill_at == "RCPT":
            await self._kill()
        if "RCPT" in self.refuse:
            return self.refuse["RCPT"]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.commands.append("DATA")
        if "DATA" in self.refuse:
            return self.refuse["DATA"]
        reply = await super().handle_DATA(server, session, envelope)
        if self.kill_at == "DATA":
            await self._kill()
        if self.hang_up_at == "DATA":
            self.hang_up_at = None
            server.transport.close()
        return reply

    async def _kill(self) -> None:
        """SIGKILL ``kill_pid`` (waiting for the test to say which process that is) and
        wait until it is dead, so it never reads the reply."""
        self.kill_at = None
        deadline = time.monotonic() + 60
        while self.kill_pid is None:
            assert time.monotonic() < deadline, "kill_pid never set"
            await asyncio.sleep(0.02)
        os.kill(self.kill_pid, signal.SIGKILL)
        while _alive(self.kill_pid):
            assert time.monotonic() < deadline, f"process {self.kill_pid} still alive"
            await asyncio.sleep(0.02)


def _alive(pid: int) -> bool:
    """The process runs (not gone, not a zombie waiting to be reaped): Linux's /proc."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


@contextmanager
def smtp_serving(handler):
    """A real SMTP server (aiosmtpd) on a free port of 127.0.0.1 with ``handler``; yields
    its port."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # aiosmtpd needs a concrete free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
