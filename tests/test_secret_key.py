"""The secret key: no public default. Development makes a random one once in instance/
(mode 600) and keeps it; PORTAL_SECRET_KEY or portal.cfg override it; production refuses
to start without PORTAL_SECRET_KEY; the test suite keeps its fixed key."""

import os
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask

from portal import create_app
from portal.config import instance_key
from portal.extensions import db as _db
from tests.support import PortalClient

OLD_PUBLIC_KEY = "dev-only-not-secret"  # the key config.py used to ship


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """A fresh instance folder for every app made in the test; no key in the environment."""
    folder = tmp_path / "instance"
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(folder))
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    return folder


def test_development_makes_a_key_once_and_keeps_it(instance):
    first = create_app("development")
    second = create_app("development")
    key = first.config["SECRET_KEY"]
    assert key == second.config["SECRET_KEY"]
    assert len(key) == 64 and key != OLD_PUBLIC_KEY
    assert (instance / "secret_key").read_text().strip() == key


def test_key_file_is_readable_by_its_owner_only(instance):
    old_umask = os.umask(0)  # even with the most permissive umask
    try:
        create_app("development")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(os.stat(instance / "secret_key").st_mode) == 0o600


def test_two_instances_get_different_keys(tmp_path):
    assert instance_key(str(tmp_path / "a")) != instance_key(str(tmp_path / "b"))


def test_processes_starting_at_once_agree_on_one_key(tmp_path):
    path = str(tmp_path / "secret_key")
    with ThreadPoolExecutor(max_workers=16) as pool:
        keys = set(pool.map(lambda _: instance_key(path), range(64)))
    assert len(keys) == 1


def test_environment_and_portal_cfg_override_the_instance_key(instance, monkeypatch):
    instance.mkdir()
    (instance / "portal.cfg").write_text('SECRET_KEY = "from-portal-cfg"\n')
    assert create_app("development").config["SECRET_KEY"] == "from-portal-cfg"
    monkeypatch.setenv("PORTAL_SECRET_KEY", "from-environment")
    assert create_app("development").config["SECRET_KEY"] == "from-environment"
    assert not (instance / "secret_key").exists()


def test_production_refuses_to_start_without_a_key(instance, monkeypatch):
    with pytest.raises(RuntimeError, match="PORTAL_SECRET_KEY must be set"):
        create_app("production")
    monkeypatch.setenv("PORTAL_ENV", "production")
    with pytest.raises(RuntimeError, match="PORTAL_SECRET_KEY must be set"):
        create_app()
    assert not (instance / "secret_key").exists()  # and makes no key of its own
    monkeypatch.setenv("PORTAL_SECRET_KEY", "a-real-secret-from-the-vault")
    assert create_app().config["SECRET_KEY"] == "a-real-secret-from-the-vault"


def test_tests_keep_their_fixed_key(instance):
    assert create_app("testing").config["SECRET_KEY"] == "test-secret"
    assert not (instance / "secret_key").exists()


def test_cookie_signed_with_the_old_public_key_signs_nobody_in(app, instance, make_user, login):
    """An install left in development mode: a session cookie forged with the key config.py
    used to ship must not sign anyone in (it used to sign in any user, admin included)."""
    dev = create_app(
        "development",
        {
            "DATABASE_URL": app.config["DATABASE_URL"],
            "MAIL_LOG_MESSAGES": False,
            "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
            "UPLOAD_DIR": app.config["UPLOAD_DIR"],
        },
    )
    dev.test_client_class = PortalClient
    try:
        genuine = dev.test_client()
        login(genuine, make_user(role="seeker"))
        cookie = genuine.get_cookie("session").value
        assert genuine.get("/account").status_code == 200

        contents = dev.session_interface.get_signing_serializer(dev).loads(cookie)
        old = Flask(__name__)
        old.config.update(SECRET_KEY=OLD_PUBLIC_KEY)
        forged_cookie = dev.session_interface.get_signing_serializer(old).dumps(contents)
        forged = dev.test_client()
        forged.set_cookie("session", forged_cookie)
        response = forged.get("/account")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    finally:
        with dev.app_context():
            _db.engine.dispose()
