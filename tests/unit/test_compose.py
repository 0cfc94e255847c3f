"""Static checks of the cluster shape: docker-compose.yml, the Dockerfile and their files.

No Docker engine runs here, so these tests read the files and check what a `docker compose up`
would depend on: the services, pinned images, published ports, start order, and that the
``UPRFLOW_*`` variables given to the API and the worker are real :class:`Settings` fields that
validate in production mode.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from uprflow.config import Settings
from uprflow.temporal import search_attribute_cli_args

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
SA_SCRIPT = ROOT / "deploy" / "temporal" / "register-search-attributes.sh"

CORE_SERVICES = {"postgresql", "temporal", "temporal-ui", "api", "worker"}
UPRFLOW_SERVICES = ("api", "worker")
DUMMY_SECRET = "x" * 40

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}
_VAR = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def _interpolate(value: str, given: dict[str, str]) -> str:
    """Compose's variable substitution, with ``given`` as the shell environment."""

    def sub(m: re.Match[str]) -> str:
        name, op, arg = m.group("name"), m.group("op"), m.group("arg")
        have = given.get(name)
        if op and op.endswith("?"):
            if have is None or (op == ":?" and have == ""):
                raise KeyError(f"{name} is required: {arg}")
            return have
        if op and op.endswith("-"):
            return arg if have is None or (op == ":-" and have == "") else have
        if have is None:
            raise KeyError(f"{name} has no default and is not set")
        return have

    return _VAR.sub(sub, value)


def _settings_values(service: dict[str, Any], given: dict[str, str]) -> dict[str, str]:
    env = _environment(service)
    return {
        name.removeprefix("UPRFLOW_").lower(): _interpolate(value, given)
        for name, value in env.items()
        if name.startswith("UPRFLOW_")
    }


def _published(service: dict[str, Any]) -> set[int]:
    ports: set[int] = set()
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            ports.add(int(entry["published"]))
        else:
            ports.add(int(str(entry).split("/")[0].split(":")[-2]))
    return ports


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def _dockerignored(relpath: str) -> bool:
    """Whether ``relpath`` is excluded from the build context (top-level patterns + `!`)."""
    ignored = False
    for raw in DOCKERIGNORE.read_text().splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        parts = relpath.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        candidates = [*prefixes, *parts] if pattern.startswith("**/") else prefixes
        pattern = pattern.removeprefix("**/")
        if any(fnmatch.fnmatchcase(c, pattern) for c in candidates):
            ignored = not negate
    return ignored


# --- services, images, ports, start order -------------------------------------------------


def test_the_five_services_exist(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) >= CORE_SERVICES


def test_images_are_pinned(services: dict[str, dict[str, Any]]) -> None:
    for name, svc in services.items():
        if "build" in svc:
            continue
        image = svc.get("image")
        assert image, f"{name} has neither image nor build"
        _repo, sep, tag = image.rpartition(":")
        assert sep and "/" not in tag, f"{name}: image {image!r} has no tag"
        assert tag != "latest" and "$" not in tag, f"{name}: image {image!r} is not pinned"


def test_expected_images(services: dict[str, dict[str, Any]]) -> None:
    assert services["postgresql"]["image"] == "postgres:16"
    repo, _, tag = services["temporal"]["image"].partition(":")
    assert repo == "temporalio/auto-setup"
    assert re.fullmatch(r"1\.(2|3)\d\.\d+(\.\d+)?", tag), tag
    assert services["temporal-ui"]["image"].startswith("temporalio/ui:")


def test_published_ports(services: dict[str, dict[str, Any]]) -> None:
    assert 8000 in _published(services["api"])
    assert 7233 in _published(services["temporal"])
    assert 8080 in _published(services["temporal-ui"])
    assert not _published(services["worker"])


def test_api_and_worker_are_built_from_the_project(services: dict[str, dict[str, Any]]) -> None:
    for name, command in (("api", ["uprflow", "api"]), ("worker", ["uprflow", "worker"])):
        svc = services[name]
        assert svc["build"] == "."
        assert svc["command"] == command


def test_start_order(services: dict[str, dict[str, Any]]) -> None:
    for name in UPRFLOW_SERVICES:
        deps = services[name]["depends_on"]
        assert deps["postgresql"]["condition"] == "service_healthy"
        assert deps["temporal"]["condition"] == "service_healthy"
    assert services["temporal"]["depends_on"]["postgresql"]["condition"] == "service_healthy"
    assert services["temporal-ui"]["depends_on"]["temporal"]["condition"] == "service_healthy"
    # Every dependency names a service, and a healthy-condition one has a healthcheck.
    for name, svc in services.items():
        deps = svc.get("depends_on") or {}
        for dep, spec in deps.items() if isinstance(deps, dict) else []:
            assert dep in services, f"{name} depends on unknown service {dep}"
            if spec.get("condition") == "service_healthy":
                assert "healthcheck" in services[dep], f"{dep} has no healthcheck"


def test_healthchecks(services: dict[str, dict[str, Any]]) -> None:
    pg = " ".join(services["postgresql"]["healthcheck"]["test"])
    assert "pg_isready" in pg
    temporal = " ".join(services["temporal"]["healthcheck"]["test"])
    assert "cluster health" in temporal
    api = " ".join(services["api"]["healthcheck"]["test"])
    assert ":8000/health" in api


def test_temporal_persists_to_the_postgresql_service(services: dict[str, dict[str, Any]]) -> None:
    env = _environment(services["temporal"])
    pg_env = _environment(services["postgresql"])
    assert env["DB"] == "postgres12"
    assert env["DB_PORT"] == "5432"
    assert env["POSTGRES_SEEDS"] in services
    assert services[env["POSTGRES_SEEDS"]]["image"].startswith("postgres:")
    assert env["POSTGRES_USER"] == pg_env["POSTGRES_USER"]
    assert env["POSTGRES_PWD"] == pg_env["POSTGRES_PASSWORD"]
    assert _environment(services["temporal-ui"])["TEMPORAL_ADDRESS"] == "temporal:7233"


def test_postgresql_keeps_its_data_in_a_volume(compose: dict[str, Any]) -> None:
    mounts = compose["services"]["postgresql"]["volumes"]
    data = [m for m in mounts if m.split(":")[1] == "/var/lib/postgresql/data"]
    assert data, "no volume for /var/lib/postgresql/data"
    assert data[0].split(":")[0] in (compose.get("volumes") or {})


# --- UPRFLOW_* variables -------------------------------------------------------------------


def test_uprflow_processes_get_only_uprflow_variables(services: dict[str, dict[str, Any]]) -> None:
    for name in UPRFLOW_SERVICES:
        env = _environment(services[name])
        assert env, f"{name} has no environment"
        assert all(k.startswith("UPRFLOW_") for k in env), sorted(env)


def test_every_uprflow_variable_is_a_settings_field(services: dict[str, dict[str, Any]]) -> None:
    fields = set(Settings.model_fields)
    for name in UPRFLOW_SERVICES:
        unknown = {
            k
            for k in _environment(services[name])
            if k.startswith("UPRFLOW_") and k.removeprefix("UPRFLOW_").lower() not in fields
        }
        assert not unknown, f"{name}: not Settings fields: {sorted(unknown)}"


def test_api_and_worker_share_one_configuration(services: dict[str, dict[str, Any]]) -> None:
    assert _environment(services["api"]) == _environment(services["worker"])


def test_production_variables(services: dict[str, dict[str, Any]]) -> None:
    for name in UPRFLOW_SERVICES:
        env = _environment(services[name])
        assert env["UPRFLOW_ENV"] == "production"
        assert env["UPRFLOW_LOG_FORMAT"] == "json"
        assert env["UPRFLOW_API_HOST"] == "0.0.0.0"
        assert env["UPRFLOW_TEMPORAL_NAMESPACE"] == "default"
        assert env["UPRFLOW_TEMPORAL_TASK_QUEUE"] == "uprflow"
        # The secret is required, with no default to fall back on.
        assert re.fullmatch(r"\$\{UPRFLOW_SECRET_KEY:\?[^}]+\}", env["UPRFLOW_SECRET_KEY"])

        url = urlsplit(_interpolate(env["UPRFLOW_DATABASE_URL"], {}))
        assert url.scheme == "postgresql+psycopg"
        assert url.hostname == "postgresql" and url.hostname in services
        assert (url.port or 5432) == 5432
        assert url.username == "uprflow" and url.path == "/uprflow"

        host, _, port = env["UPRFLOW_TEMPORAL_ADDRESS"].partition(":")
        assert host == "temporal" and host in services
        assert port == "7233"

    api_port = int(_environment(services["api"])["UPRFLOW_API_PORT"])
    assert api_port in {int(str(p).split(":")[-1]) for p in services["api"]["ports"]}


def test_secret_key_is_required(services: dict[str, dict[str, Any]]) -> None:
    with pytest.raises(KeyError, match="UPRFLOW_SECRET_KEY"):
        _settings_values(services["api"], {})


def test_settings_validate_in_production(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in [v for v in os.environ if v.startswith("UPRFLOW_")]:
        monkeypatch.delenv(var)
    for name in UPRFLOW_SERVICES:
        values = _settings_values(services[name], {"UPRFLOW_SECRET_KEY": DUMMY_SECRET})
        settings = Settings(**values)  # type: ignore[arg-type]
        assert settings.env == "production"
        assert not settings.embedded
        assert settings.effective_temporal_address == "temporal:7233"
        assert settings.ledger_url.startswith("postgresql+psycopg://uprflow:")
        assert settings.api_port == 8000
        assert settings.secret_key.get_secret_value() == DUMMY_SECRET


def test_short_secret_is_refused(services: dict[str, dict[str, Any]]) -> None:
    values = _settings_values(services["api"], {"UPRFLOW_SECRET_KEY": "too-short"})
    with pytest.raises(ValueError, match="UPRFLOW_SECRET_KEY"):
        Settings(**values)  # type: ignore[arg-type]


# --- the Dockerfile ------------------------------------------------------------------------


def test_dockerfile_base_image_and_user() -> None:
    instructions = _dockerfile_instructions()
    froms = [rest for kw, rest in instructions if kw == "FROM"]
    assert froms and froms[-1].split()[0] == "python:3.11-slim"
    users = [rest for kw, rest in instructions if kw == "USER"]
    assert users, "the image runs as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    # The final USER comes after every RUN (nothing is installed as root afterwards).
    last_user = max(i for i, (kw, _) in enumerate(instructions) if kw == "USER")
    assert all(kw != "RUN" for kw, _ in instructions[last_user:])


def test_dockerfile_installs_the_project_without_dev_extras() -> None:
    runs = " ".join(rest for kw, rest in _dockerfile_instructions() if kw == "RUN")
    assert re.search(r"pip install (\S+ )*\.(\s|$)", runs), runs
    assert "[dev]" not in runs
    cmd = [rest for kw, rest in _dockerfile_instructions() if kw == "CMD"]
    assert cmd and yaml.safe_load(cmd[-1]) == ["uprflow", "api"]


def test_dockerfile_copies_only_existing_files() -> None:
    for kw, rest in _dockerfile_instructions():
        if kw not in {"COPY", "ADD"}:
            continue
        args = [a for a in rest.split() if not a.startswith("--")]
        for source in args[:-1]:
            assert (ROOT / source).exists(), f"{kw} {source}: no such file"


def test_build_context_keeps_what_pip_install_needs() -> None:
    needed = ["pyproject.toml", "README.md", "worker.py"]
    needed += ["uprflow", "domain", "workflows", "activities", "api", "store"]
    for path in needed:
        assert (ROOT / path).exists(), path
        assert not _dockerignored(path), f".dockerignore drops {path}"
    for path in [".venv", ".uprflow", ".git", ".pytest_cache", "uprflow/__pycache__", ".env"]:
        assert _dockerignored(path), f".dockerignore keeps {path}"


# --- files the compose file refers to ------------------------------------------------------


def test_compose_references_only_existing_files(services: dict[str, dict[str, Any]]) -> None:
    for name, svc in services.items():
        build = svc.get("build")
        if build is not None:
            context = build if isinstance(build, str) else build.get("context", ".")
            dockerfile = (
                "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            )
            assert (ROOT / context / dockerfile).is_file(), f"{name}: no {dockerfile}"
        for mount in svc.get("volumes", []):
            source = mount if isinstance(mount, str) else mount.get("source", "")
            source = source.split(":")[0]
            if source.startswith((".", "/")):
                assert (ROOT / source).exists(), f"{name}: mounts missing {source}"


def test_init_script_creates_the_ledger_database(services: dict[str, dict[str, Any]]) -> None:
    mounts = services["postgresql"]["volumes"]
    init = [m for m in mounts if m.split(":")[1] == "/docker-entrypoint-initdb.d"]
    assert init, "no init scripts mounted"
    scripts = sorted((ROOT / init[0].split(":")[0]).glob("*.sh"))
    assert scripts
    text = "".join(s.read_text() for s in scripts)
    url = urlsplit(_interpolate(_environment(services["api"])["UPRFLOW_DATABASE_URL"], {}))
    assert f"CREATE ROLE {url.username} LOGIN" in text
    assert f"CREATE DATABASE {url.path.lstrip('/')} OWNER {url.username}" in text
    # The password the script sets is the one in the API's URL.
    assert "UPRFLOW_DB_PASSWORD" in _environment(services["postgresql"])
    assert _environment(services["postgresql"])["UPRFLOW_DB_PASSWORD"] == (
        "${UPRFLOW_DB_PASSWORD:-uprflow}"
    )
    assert (
        "${UPRFLOW_DB_PASSWORD:-uprflow}@" in _environment(services["api"])["UPRFLOW_DATABASE_URL"]
    )


def test_search_attribute_job_matches_the_workflows(services: dict[str, dict[str, Any]]) -> None:
    job = [
        n
        for n, s in services.items()
        if any("register-search-attributes" in str(v) for v in s.get("volumes", []))
    ]
    assert job, "no service registers the search attributes"
    text = SA_SCRIPT.read_text()
    declared = re.search(r'^ATTRIBUTES="([^"]*)"', text, re.MULTILINE)
    assert declared
    args = search_attribute_cli_args()
    expected = {args[i + 1] for i in range(0, len(args), 2)}
    assert set(declared.group(1).split()) == expected
    # The compose file says the worker registers missing ones itself at startup.
    comments = " ".join(
        line.strip().lstrip("#").strip()
        for line in COMPOSE.read_text().splitlines()
        if line.strip().startswith("#")
    )
    assert "worker also registers any missing ones itself at startup" in comments
