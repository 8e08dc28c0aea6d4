"""A real SMTP server's mailbox (aiosmtpd), for the ``mailbox`` fixture."""

import re
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
