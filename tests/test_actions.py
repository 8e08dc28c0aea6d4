"""portal/actions.py: a refusal goes to the error list of the first class that matches, or
is flashed when none does."""

from flask import get_flashed_messages

from portal.actions import run_action
from portal.errors import PortalError


class WrongPassword(PortalError):
    pass


def refuse(exc: PortalError):
    def action():
        raise exc

    return action


def test_a_refusal_goes_to_the_first_matching_list_or_is_flashed(app):
    password, email = [], []
    errors = {WrongPassword: password, PortalError: email}
    with app.test_request_context("/"):
        assert run_action(refuse(WrongPassword("Wrong password.")), errors=errors) is False
        assert run_action(refuse(PortalError("Taken.")), errors=errors) is False
        assert (password, email) == (["Wrong password."], ["Taken."])
        assert get_flashed_messages() == []

    with app.test_request_context("/"):  # flashed messages are read once per request
        assert (
            run_action(refuse(PortalError("No room.")), errors={WrongPassword: password}) is False
        )
        assert get_flashed_messages(with_categories=True) == [("danger", "No room.")]
        assert password == ["Wrong password."]
