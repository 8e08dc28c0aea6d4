"""The access test's world for the rows in ``alerts.txt`` (``portal/alerts``).

Ids: {alert} a confirmed alert of the seeker; {other_alert} another seeker's alert;
{alert_confirm}, {alert_manage}, {alert_unsubscribe} the signed links of the seeker's
alert's emails; {bounce} a bounced address (admin page).
"""

from tests.support.factories import new_user

# ids used by the rows' url templates, for the route-coverage check
DUMMY_IDS: dict = {
    "alert": 1,
    "other_alert": 2,
    "alert_confirm": "token",
    "alert_manage": "token",
    "alert_unsubscribe": "token",
    "bounce": 1,
}


def build(db, core) -> dict:
    from portal.alerts import services, tokens

    alert = services.create(frequency="daily", query="q=care", user=core.users["seeker"])
    services.confirm(alert)
    other = services.create(
        frequency="weekly", query="q=youth", user=new_user(role="seeker", name="Otto Other")
    )
    services.bounce("bounced@example.org", "mailbox full", core.users["admin"])
    db.session.commit()
    bounce, _ = services.bounces()[0]
    return {
        "alert": alert.id,
        "other_alert": other.id,
        "alert_confirm": tokens.make(alert, "confirm"),
        "alert_manage": tokens.make(alert, "manage"),
        "alert_unsubscribe": tokens.make(alert, "unsubscribe"),
        "bounce": bounce.id,
    }
