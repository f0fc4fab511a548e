from pathlib import Path

import pytest

from briefings.commands.build import build_site
from briefings.config import load_config
from tests.conftest import write


def digest_project(example: Path, port: int, **smtp: str) -> Path:
    settings = {
        "host": '"127.0.0.1"',
        "port": str(port),
        "security": '"none"',
        "retry_base_seconds": "0.01",
        "timeout": "5.0",
    }
    settings.update(smtp)
    smtp_table = "".join(f"{k} = {v}\n" for k, v in settings.items())
    text = (example / "briefings.toml").read_text()
    text = text.split("[digest]")[0]  # the bundled example has its own [digest]
    # A public address: `digest --send` refuses to mail links to this machine.
    text = text.replace('base_url = "http://127.0.0.1:8000/"', 'base_url = "https://brief.test/"')
    write(
        example / "briefings.toml",
        text
        + '\n[digest]\nfrom_address = "desk@example.org"\nfrom_name = "The Desk"\nreply_to = "editor@example.org"\n'
        + 'unsubscribe_mailto = "unsubscribe@example.org"\nunsubscribe_url = "https://example.org/unsubscribe"\n'
        + "\n[smtp]\n"
        + smtp_table,
    )
    build_site(load_config(example))
    return example


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("BRIEFINGS_UNSUBSCRIBE_SECRET", "s3cret-for-tests")
    return "s3cret-for-tests"
