"""The `maillage` commands against the running demo server's own database.

SQLite in WAL mode lets the command write while the server serves; the token the command
prints must then open the API of the running server.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import uuid

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = pathlib.Path(os.environ.get("MAILLAGE_BIN", ROOT / ".build" / "debug" / "maillage"))
DB_PATH = os.environ.get("MAILLAGE_DB_PATH")

pytestmark = pytest.mark.skipif(
    not DB_PATH or not BINARY.exists(),
    reason="needs MAILLAGE_DB_PATH (the server's SQLite file) and the built binary",
)


def maillage(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, MAILLAGE_DB_PATH=DB_PATH or "", LOG_LEVEL="error")
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [str(BINARY), *args], env=env, cwd=ROOT, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=120,
    )


def test_user_and_token_commands_open_the_api(base_url):
    email = f"admin-{uuid.uuid4().hex[:8]}@exemple.fr"
    created = maillage("user", "create", "--email", email, "--name", "Admin Commande",
                       "--password", "une coopérative au quartier", "--role", "network-admin")
    assert created.returncode == 0, created.stderr + created.stdout

    token = maillage("token", "create", "--email", email)
    assert token.returncode == 0, token.stderr + token.stdout
    lines = [line for line in token.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, f"token create must print the token alone: {token.stdout!r}"

    me = requests.get(f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {lines[0]}"}, timeout=10)
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["email"] == email
    assert [role["role"] for role in body["roles"]] == ["network-admin"]
    coops = requests.get(f"{base_url}/api/v1/coops", headers={"Authorization": f"Bearer {lines[0]}"}, timeout=10)
    names = {coop["name"] for coop in coops.json()["items"]}
    assert {"Coopérative d'habitants des Caillols", "Coopérative d'habitants d'Avignon",
            "Coopérative rurale du Vendômois"} <= names, names


def test_user_create_refuses_a_weak_password_in_french():
    result = maillage("user", "create", "--email", "faible@exemple.fr", "--name", "Faible",
                      "--password", "azertyuiop", "--role", "network-admin")
    assert result.returncode != 0
    assert "trop courant" in (result.stdout + result.stderr)


def test_user_create_needs_a_scope_for_cooperative_roles():
    result = maillage("user", "create", "--email", "staff@exemple.fr", "--name", "Staff",
                      "--password", "une coopérative au quartier", "--role", "staff")
    assert result.returncode != 0
    assert "--coop" in (result.stdout + result.stderr)


def test_seed_demo_is_idempotent():
    result = maillage("seed", "--demo")
    assert result.returncode == 0, result.stderr
    assert "déjà présentes" in result.stdout
    assert "coordination@maillage.example" in result.stdout


def test_privacy_sweep_runs_in_french():
    result = maillage("privacy", "sweep")
    assert result.returncode == 0, result.stderr
    assert "Dossiers anonymisés : " in result.stdout, result.stdout


def _cashier_token(email: str) -> str:
    token = maillage("token", "create", "--email", email)
    assert token.returncode == 0, token.stderr + token.stdout
    return token.stdout.strip()


def test_journal_verify_names_the_first_broken_entry(base_url):
    import sqlite3

    headers = {"Authorization": f"Bearer {_cashier_token('caisse@maillage.example')}"}
    coops = requests.get(f"{base_url}/api/v1/coops", headers=headers, timeout=10).json()["items"]
    coop = next(c for c in coops if c["name"] == "Coopérative d'habitants des Caillols")["id"]
    products = requests.get(f"{base_url}/api/v1/coops/{coop}/products", headers=headers, timeout=10).json()["items"]
    coffee = next(p for p in products if p["name"] == "Café")["id"]
    sales = []
    for _ in range(2):
        sale = requests.post(
            f"{base_url}/api/v1/coops/{coop}/sales", headers=headers, timeout=10,
            json={"lines": [{"productID": coffee, "quantity": 1}], "payments": [{"method": "cash", "amountCents": 200}]},
        )
        assert sale.status_code == 201, sale.text
        sales.append(sale.json())
    numbers = [sale["number"] for sale in sales]

    ok = maillage("journal", "verify", "--coop", coop)
    assert ok.returncode == 0, ok.stderr + ok.stdout
    assert "Journal intègre" in ok.stdout

    # Someone lowers the first of the two tickets directly in the database. The ticket is found
    # by its hash: its number alone may also be another cooperative's ticket's.
    tampered = "sale_id = (SELECT id FROM sales WHERE hash = ?)"
    with sqlite3.connect(DB_PATH) as db:
        original = db.execute(f"SELECT id, price_cents FROM sale_lines WHERE {tampered}", (sales[0]["hash"],)).fetchall()
        assert len(original) == 1, f"expected the ticket's one line, found {original}"
        db.execute(f"UPDATE sale_lines SET price_cents = 1 WHERE {tampered}", (sales[0]["hash"],))
    try:
        broken = maillage("journal", "verify", "--coop", coop)
        assert broken.returncode != 0
        assert f"n° {numbers[0]}" in (broken.stdout + broken.stderr), broken.stdout + broken.stderr
        # The API says the same.
        verify = requests.get(f"{base_url}/api/v1/coops/{coop}/journal/verify", headers=headers, timeout=10).json()
        assert verify["ok"] is False and verify["firstBrokenNumber"] == numbers[0], verify
    finally:
        # Put the price back, so that the cooperative's journal is intact for the tests after.
        with sqlite3.connect(DB_PATH) as db:
            db.executemany("UPDATE sale_lines SET price_cents = ? WHERE id = ?", [(price, line) for line, price in original])
    restored = maillage("journal", "verify", "--coop", coop)
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert "Journal intègre" in restored.stdout
    verify = requests.get(f"{base_url}/api/v1/coops/{coop}/journal/verify", headers=headers, timeout=10).json()
    assert verify["ok"] is True and verify.get("firstBrokenNumber") is None, verify
