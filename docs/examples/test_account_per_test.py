# An account per test for pytest, with openstacksdk against the keystone flavour: the operator
# (the cloud admin) makes a fresh domain with its own administrator before each test and deletes
# it, and everything in it, after. PROJECTPLANE_URL and PROJECTPLANE_ADMIN_PASSWORD say where.
import os
import uuid

import openstack
import pytest
import requests

URL = os.environ.get("PROJECTPLANE_URL", "http://127.0.0.1:5050")


@pytest.fixture(scope="session")
def operator():
    r = requests.post(f"{URL}/v3/auth/tokens", json={"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "admin", "password": os.environ["PROJECTPLANE_ADMIN_PASSWORD"], "domain": {"name": "Default"}}}},
        "scope": {"domain": {"name": "Default"}}}})
    r.raise_for_status()
    return r.headers["X-Subject-Token"]


@pytest.fixture
def account(operator):
    name = f"t-{uuid.uuid4().hex[:12]}"
    r = requests.post(f"{URL}/_projectplane/accounts", headers={"X-Auth-Token": operator},
                      json={"account": {"name": name}})
    r.raise_for_status()
    made = r.json()
    yield made
    requests.delete(f"{URL}/_projectplane/accounts/{made['account']['id']}",
                    headers={"X-Auth-Token": operator}).raise_for_status()


def connect(account):
    return openstack.connect(auth_url=f"{URL}/v3", username=account["admin"]["name"],
                             password=account["admin"]["password"], user_domain_name=account["account"]["name"],
                             domain_name=account["account"]["name"])


def test_a_new_domain_holds_only_its_administrator(account):
    conn = connect(account)
    users = [u.name for u in conn.identity.users(domain_id=account["account"]["id"])]
    assert users == [account["admin"]["name"]]


def test_what_a_test_makes_stays_in_its_domain(account):
    conn = connect(account)
    project = conn.identity.create_project(name="scratch", domain_id=account["account"]["id"])
    assert [p.name for p in conn.identity.projects(domain_id=account["account"]["id"])] == ["scratch"]
    assert project.domain_id == account["account"]["id"]
