"""Static checks of the deployment: docker-compose.yml, the Dockerfile and the files in deploy/.

No Docker engine runs here, so these tests read the files and check what a `docker compose up`
would depend on: the services and their pinned images (Temporal's server and admin-tools, no
auto-setup), the start order (schema job, server, namespace and search-attribute jobs, then
uprflow), health checks, restart policies and stop grace periods, the Dockerfile's layer order
and runtime user, and that the ``UPRFLOW_*`` variables given to the API and the worker are
real :class:`Settings` fields that validate in production mode.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
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
DEPLOY = ROOT / "deploy"
DEPLOY_README = DEPLOY / "README.md"
SA_SCRIPT = DEPLOY / "temporal" / "register-search-attributes.sh"
SCHEMA_SCRIPT = DEPLOY / "temporal" / "setup-schema.sh"
NAMESPACE_SCRIPT = DEPLOY / "temporal" / "create-namespace.sh"
LOCK = "requirements.lock"

SCHEMA_JOB = "temporal-schema"
NAMESPACE_JOB = "temporal-namespace"
SA_JOB = "temporal-search-attributes"
ONE_SHOT_JOBS = (SCHEMA_JOB, NAMESPACE_JOB, SA_JOB)
LONG_RUNNING = ("postgresql", "temporal", "temporal-ui", "api", "worker")
UPRFLOW_SERVICES = ("api", "worker")
# Variables only one of the two uprflow processes reads.
ROLE_VARIABLES = {
    "api": {"UPRFLOW_API_SHUTDOWN_GRACE_SECONDS"},
    "worker": {"UPRFLOW_WORKER_METRICS_ADDRESS", "UPRFLOW_WORKER_SHUTDOWN_GRACE_SECONDS"},
}
# Optional variables passed on from the shell or .env only when set there (no value in the file).
PASSED_THROUGH = {
    "UPRFLOW_TEMPORAL_TLS",
    "UPRFLOW_TEMPORAL_TLS_CA_FILE",
    "UPRFLOW_TEMPORAL_TLS_CERT_FILE",
    "UPRFLOW_TEMPORAL_TLS_KEY_FILE",
    "UPRFLOW_TEMPORAL_API_KEY",
    "UPRFLOW_TEMPORAL_TLS_SERVER_NAME",
    "UPRFLOW_SMTP_HOST",
    "UPRFLOW_SMTP_PORT",
    "UPRFLOW_SMTP_STARTTLS",
    "UPRFLOW_SMTP_USERNAME",
    "UPRFLOW_SMTP_PASSWORD",
    "UPRFLOW_MAIL_FROM",
}
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


def _environment(service: dict[str, Any]) -> dict[str, str | None]:
    """The service's environment; ``None`` for a key without a value (passed on when set)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {str(k): None if v is None else str(v) for k, v in env.items()}


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


def _value(service: dict[str, Any], name: str, given: dict[str, str] | None = None) -> str:
    """One variable of a service, interpolated as with an empty (or ``given``) environment."""
    raw = _environment(service)[name]
    assert raw is not None, f"{name} has no value"
    return _interpolate(raw, given or {})


def _settings_values(service: dict[str, Any], given: dict[str, str]) -> dict[str, str]:
    env = _environment(service)
    return {
        name.removeprefix("UPRFLOW_").lower(): _interpolate(value, given)
        for name, value in env.items()
        if name.startswith("UPRFLOW_") and value is not None
    }


def _published(service: dict[str, Any]) -> set[int]:
    ports: set[int] = set()
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            ports.add(int(entry["published"]))
        else:
            ports.add(int(str(entry).split("/")[0].split(":")[-2]))
    return ports


def _seconds(duration: str) -> float:
    """A compose duration (``45s``, ``1m30s``, ``500ms``) in seconds."""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, duration
    return sum(float(n) * units[u] for n, u in parts)


def _healthcheck(service: dict[str, Any]) -> str:
    test = service["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


def _mounts(service: dict[str, Any]) -> dict[str, str]:
    """Container path -> host source of the service's short-syntax volumes."""
    out = {}
    for mount in service.get("volumes", []):
        source, target = str(mount).split(":")[:2]
        out[target] = source
    return out


def _mounted_script(service: dict[str, Any]) -> Path:
    """The deploy/ script a one-shot job runs: its entrypoint's file, mounted from the repo."""
    entrypoint = service["entrypoint"]
    assert entrypoint[0] == "/bin/sh", entrypoint
    source = _mounts(service)[entrypoint[1]]
    assert source.startswith("./deploy/"), source
    return ROOT / source


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def _dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The instructions of each stage, each list starting with its FROM."""
    stages: list[list[tuple[str, str]]] = []
    for kw, rest in _dockerfile_instructions():
        if kw == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((kw, rest))
    return stages


def _index(instructions: list[tuple[str, str]], keyword: str, pattern: str) -> int:
    """Position of the first ``keyword`` instruction whose arguments match ``pattern``."""
    for i, (kw, rest) in enumerate(instructions):
        if kw == keyword and re.search(pattern, rest):
            return i
    raise AssertionError(f"no {keyword} matching {pattern!r} in the Dockerfile")


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


def _compose_comments() -> str:
    return " ".join(
        line.strip().lstrip("#").strip()
        for line in COMPOSE.read_text().splitlines()
        if line.strip().startswith("#")
    )


# --- services and images -------------------------------------------------------------------


def test_the_services_exist(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) >= {*LONG_RUNNING, *ONE_SHOT_JOBS}


def test_images_are_pinned(services: dict[str, dict[str, Any]]) -> None:
    for name, svc in services.items():
        if "build" in svc:
            continue
        image = svc.get("image")
        assert image, f"{name} has neither image nor build"
        _repo, sep, tag = image.rpartition(":")
        assert sep and "/" not in tag, f"{name}: image {image!r} has no tag"
        assert tag != "latest" and "$" not in tag, f"{name}: image {image!r} is not pinned"


def test_no_deprecated_auto_setup_image(services: dict[str, dict[str, Any]]) -> None:
    for name, svc in services.items():
        assert "auto-setup" not in str(svc.get("image", "")), f"{name} uses auto-setup"


def test_expected_images(services: dict[str, dict[str, Any]]) -> None:
    assert services["postgresql"]["image"] == "postgres:16"
    repo, _, server_tag = services["temporal"]["image"].partition(":")
    assert repo == "temporalio/server"
    assert re.fullmatch(r"1\.(2|3)\d\.\d+", server_tag), server_tag
    # Schema, namespace and search attributes: the admin tools of the same release.
    for job in ONE_SHOT_JOBS:
        assert services[job]["image"] == f"temporalio/admin-tools:{server_tag}", job
    assert services["temporal-ui"]["image"].startswith("temporalio/ui:")


def test_deploy_readme_names_the_temporal_release(services: dict[str, dict[str, Any]]) -> None:
    # The upgrade notes there must not go stale when the images are bumped.
    text = DEPLOY_README.read_text()
    assert services["temporal"]["image"].partition(":")[2] in text
    for probe in ("/livez", "/readyz", "/metrics", "UPRFLOW_TEMPORAL_API_KEY"):
        assert probe in text, probe


def test_published_ports(services: dict[str, dict[str, Any]]) -> None:
    assert _published(services["api"]) == {8000}
    assert _published(services["temporal"]) == {7233}
    assert _published(services["temporal-ui"]) == {8080}
    for name in ("postgresql", "worker", *ONE_SHOT_JOBS):
        assert not _published(services[name]), f"{name} is published"
    # Temporal has no authentication of its own: loopback only.
    for name in ("temporal", "temporal-ui"):
        assert all(str(p).startswith("127.0.0.1:") for p in services[name]["ports"]), name


def test_api_and_worker_are_built_from_the_project(services: dict[str, dict[str, Any]]) -> None:
    for name, command in (("api", ["uprflow", "api"]), ("worker", ["uprflow", "worker"])):
        svc = services[name]
        assert svc["build"] == "."
        assert svc["command"] == command
        assert svc["init"] is True


# --- start order, health, restarts, stopping -----------------------------------------------


def _condition(services: dict[str, dict[str, Any]], name: str, dep: str) -> str:
    deps = services[name].get("depends_on") or {}
    assert isinstance(deps, dict), f"{name}: depends_on needs conditions"
    assert dep in deps, f"{name} does not depend on {dep}"
    return str(deps[dep]["condition"])


def test_start_order(services: dict[str, dict[str, Any]]) -> None:
    healthy, done = "service_healthy", "service_completed_successfully"
    # The schema exists before the server starts ...
    assert _condition(services, SCHEMA_JOB, "postgresql") == healthy
    assert _condition(services, "temporal", "postgresql") == healthy
    assert _condition(services, "temporal", SCHEMA_JOB) == done
    # ... the namespace and the search attributes once it answers ...
    assert _condition(services, NAMESPACE_JOB, "temporal") == healthy
    assert _condition(services, SA_JOB, NAMESPACE_JOB) == done
    assert _condition(services, "temporal-ui", "temporal") == healthy
    # ... and uprflow last.
    for name in UPRFLOW_SERVICES:
        assert _condition(services, name, "postgresql") == healthy
        assert _condition(services, name, "temporal") == healthy
        assert _condition(services, name, SA_JOB) == done


def test_dependencies_are_consistent(services: dict[str, dict[str, Any]]) -> None:
    for name, svc in services.items():
        deps = svc.get("depends_on") or {}
        for dep, spec in deps.items() if isinstance(deps, dict) else []:
            assert dep in services, f"{name} depends on unknown service {dep}"
            if spec.get("condition") == "service_healthy":
                assert "healthcheck" in services[dep], f"{dep} has no healthcheck"
            if spec.get("condition") == "service_completed_successfully":
                assert dep in ONE_SHOT_JOBS, f"{dep} is not a one-shot job"


def test_long_running_services_have_health_checks_and_restart(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in LONG_RUNNING:
        svc = services[name]
        assert svc.get("restart") == "unless-stopped", name
        check = svc.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), f"{name} has no healthcheck"
        for key in ("interval", "timeout", "start_period"):
            assert _seconds(str(check[key])) > 0, (name, key)
        assert int(check["retries"]) >= 3, name


def test_one_shot_jobs_are_not_restarted(services: dict[str, dict[str, Any]]) -> None:
    for name in ONE_SHOT_JOBS:
        svc = services[name]
        # `unless-stopped`/`always` would run a finished job again and again.
        assert svc.get("restart") == "no", name
        assert "healthcheck" not in svc, name
        assert _mounted_script(svc).is_file(), name


def test_health_checks(services: dict[str, dict[str, Any]]) -> None:
    assert "pg_isready" in _healthcheck(services["postgresql"])
    assert _healthcheck(services["temporal"]) == "CMD nc -z 127.0.0.1 7233"
    assert "127.0.0.1:8080/healthz" in _healthcheck(services["temporal-ui"])
    # The uprflow image has no curl: Python's urllib, in the exec form (no shell needed).
    api = services["api"]["healthcheck"]["test"]
    assert api[:3] == ["CMD", "python", "-c"] and "urllib.request.urlopen" in api[3]
    port = _value(services["api"], "UPRFLOW_API_PORT")
    assert f"'http://127.0.0.1:{port}/readyz'" in api[3]
    worker = services["worker"]["healthcheck"]["test"]
    assert worker[:3] == ["CMD", "python", "-c"] and "urllib.request.urlopen" in worker[3]
    metrics = _value(services["worker"], "UPRFLOW_WORKER_METRICS_ADDRESS")
    host, _, metrics_port = metrics.rpartition(":")
    assert host == "0.0.0.0", "the metrics endpoint must be reachable from the network"
    assert f"'http://127.0.0.1:{metrics_port}/metrics'" in worker[3]
    assert metrics_port in {str(p) for p in services["worker"].get("expose", [])}


def test_stop_grace_periods_outlast_the_graceful_shutdowns(
    services: dict[str, dict[str, Any]],
) -> None:
    pairs = (("worker", "UPRFLOW_WORKER_SHUTDOWN_GRACE_SECONDS"),)
    pairs += (("api", "UPRFLOW_API_SHUTDOWN_GRACE_SECONDS"),)
    for name, variable in pairs:
        grace = float(_value(services[name], variable))
        stop = _seconds(str(services[name]["stop_grace_period"]))
        # Docker sends SIGKILL at stop_grace_period: it must leave the process its own grace
        # period plus time to close connections and exit.
        assert stop >= grace + 5, (name, stop, grace)
    assert _value(services["worker"], "UPRFLOW_WORKER_SHUTDOWN_GRACE_SECONDS") == "30"
    assert _seconds(services["worker"]["stop_grace_period"]) == 45
    assert _value(services["api"], "UPRFLOW_API_SHUTDOWN_GRACE_SECONDS") == "15"
    assert _seconds(services["api"]["stop_grace_period"]) == 25


# --- Temporal: schema, server, namespace ---------------------------------------------------


def test_temporal_persists_to_the_postgresql_service(services: dict[str, dict[str, Any]]) -> None:
    env = _environment(services["temporal"])
    pg_env = _environment(services["postgresql"])
    assert env["DB"] == "postgres12"
    assert env["DB_PORT"] == "5432"
    assert env["POSTGRES_SEEDS"] in services
    assert services[str(env["POSTGRES_SEEDS"])]["image"].startswith("postgres:")
    assert env["POSTGRES_USER"] == pg_env["POSTGRES_USER"]
    assert env["POSTGRES_PWD"] == pg_env["POSTGRES_PASSWORD"]
    assert env["DBNAME"] == "temporal"
    assert env["VISIBILITY_DBNAME"] == "temporal_visibility"
    # Fixed at the cluster's creation; the value the earlier auto-setup file used.
    assert env["NUM_HISTORY_SHARDS"] == "4"
    assert env["BIND_ON_IP"] == "0.0.0.0"
    for name in ("temporal-ui", NAMESPACE_JOB, SA_JOB):
        assert _environment(services[name])["TEMPORAL_ADDRESS"] == "temporal:7233", name


def test_temporal_dynamic_config_is_mounted(services: dict[str, dict[str, Any]]) -> None:
    svc = services["temporal"]
    path = Path(str(_environment(svc)["DYNAMIC_CONFIG_FILE_PATH"]))
    mounts = _mounts(svc)
    assert str(path.parent) in mounts, "the dynamic config directory is not mounted"
    source = ROOT / mounts[str(path.parent)] / path.name
    # The server refuses to start without the file.
    assert source.is_file(), source
    config = yaml.safe_load(source.read_text())
    assert isinstance(config, dict) and config
    for key, values in config.items():
        assert isinstance(values, list) and values, key
        assert all(isinstance(v, dict) and "value" in v for v in values), key
    assert config["frontend.enableServerVersionCheck"] == [{"value": False}]


def test_schema_job_sets_up_both_databases(services: dict[str, dict[str, Any]]) -> None:
    job = _environment(services[SCHEMA_JOB])
    server = _environment(services["temporal"])
    for variable in ("POSTGRES_SEEDS", "DB_PORT", "POSTGRES_USER", "DBNAME", "VISIBILITY_DBNAME"):
        assert job[variable] == server[variable], variable
    # temporal-sql-tool reads the password from SQL_PASSWORD.
    assert job["SQL_PASSWORD"] == server["POSTGRES_PWD"]

    script = _mounted_script(services[SCHEMA_JOB])
    assert script == SCHEMA_SCRIPT
    text = script.read_text()
    assert "temporal-sql-tool --plugin postgres12" in text
    assert "SCHEMA_DIR=/etc/temporal/schema/postgresql/v12" in text
    for db, schema in (("DBNAME", "temporal"), ("VISIBILITY_DBNAME", "visibility")):
        steps = [
            f'--database "${db}" create',
            f'--database "${db}" setup-schema -v 0.0',
            f'--database "${db}" update-schema -d "$SCHEMA_DIR/{schema}/versioned"',
        ]
        positions = [text.index(step) for step in steps]
        assert positions == sorted(positions), db


def test_namespace_job_creates_the_uprflow_namespace(services: dict[str, dict[str, Any]]) -> None:
    job = services[NAMESPACE_JOB]
    assert _mounted_script(job) == NAMESPACE_SCRIPT
    text = NAMESPACE_SCRIPT.read_text()
    assert "temporal operator cluster health" in text
    assert 'temporal operator namespace create --namespace "$NAMESPACE" --retention' in text
    namespace = _value(services["api"], "UPRFLOW_TEMPORAL_NAMESPACE")
    for name in (NAMESPACE_JOB, SA_JOB):
        assert _value(services[name], "NAMESPACE") == namespace, name
    assert _value(services["temporal-ui"], "TEMPORAL_DEFAULT_NAMESPACE") == namespace
    # Closed workflows stay visible for 30 days.
    assert _seconds(_value(job, "RETENTION")) == 30 * 24 * 3600


def test_search_attribute_job_matches_the_workflows(services: dict[str, dict[str, Any]]) -> None:
    assert _mounted_script(services[SA_JOB]) == SA_SCRIPT
    text = SA_SCRIPT.read_text()
    declared = re.search(r'^ATTRIBUTES="([^"]*)"', text, re.MULTILINE)
    assert declared
    args = search_attribute_cli_args()
    expected = {args[i + 1] for i in range(0, len(args), 2)}
    assert set(declared.group(1).split()) == expected
    # The compose file says the worker registers missing ones itself at startup.
    assert "worker also registers any missing ones itself at startup" in _compose_comments()


def test_deploy_scripts_are_valid_shell() -> None:
    scripts = sorted(DEPLOY.rglob("*.sh"))
    assert {SCHEMA_SCRIPT, NAMESPACE_SCRIPT, SA_SCRIPT} <= set(scripts)
    for script in scripts:
        first = script.read_text().splitlines()[0]
        # The admin-tools image is Alpine: /bin/sh (busybox), no bash.
        shell = "bash" if first == "#!/bin/bash" else "sh"
        if script.parent.name == "temporal":
            assert first == "#!/bin/sh", script
        assert re.search(r"^set -eu", script.read_text(), re.MULTILINE), script
        if shutil.which(shell):
            result = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True)
            assert result.returncode == 0, (script, result.stderr)


def test_postgresql_keeps_its_data_in_a_volume(compose: dict[str, Any]) -> None:
    mounts = _mounts(compose["services"]["postgresql"])
    assert "/var/lib/postgresql/data" in mounts, "no volume for /var/lib/postgresql/data"
    assert mounts["/var/lib/postgresql/data"] in (compose.get("volumes") or {})


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
    api, worker = (_environment(services[n]) for n in UPRFLOW_SERVICES)
    assert set(api) - set(worker) == ROLE_VARIABLES["api"]
    assert set(worker) - set(api) == ROLE_VARIABLES["worker"]
    common = set(api) & set(worker)
    assert {k: api[k] for k in common} == {k: worker[k] for k in common}


def test_optional_variables_are_passed_on_only_when_set(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in UPRFLOW_SERVICES:
        env = _environment(services[name])
        assert {k for k, v in env.items() if v is None} == PASSED_THROUGH, name
    # Each is explained in the compose file's comments.
    comments = _compose_comments()
    for variable in PASSED_THROUGH:
        assert variable in comments, variable


def test_production_variables(services: dict[str, dict[str, Any]]) -> None:
    for name in UPRFLOW_SERVICES:
        svc = services[name]
        env = _environment(svc)
        assert env["UPRFLOW_ENV"] == "production"
        assert env["UPRFLOW_LOG_FORMAT"] == "json"
        assert env["UPRFLOW_API_HOST"] == "0.0.0.0"
        assert _value(svc, "UPRFLOW_TEMPORAL_NAMESPACE") == "default"
        assert env["UPRFLOW_TEMPORAL_TASK_QUEUE"] == "uprflow"
        # The secret is required, with no default to fall back on.
        assert re.fullmatch(r"\$\{UPRFLOW_SECRET_KEY:\?[^}]+\}", str(env["UPRFLOW_SECRET_KEY"]))

        url = urlsplit(_value(svc, "UPRFLOW_DATABASE_URL"))
        assert url.scheme == "postgresql+psycopg"
        assert url.hostname == "postgresql" and url.hostname in services
        assert (url.port or 5432) == 5432
        assert url.username == "uprflow" and url.path == "/uprflow"

        # The bundled cluster unless the operator names another one.
        host, _, port = _value(svc, "UPRFLOW_TEMPORAL_ADDRESS").partition(":")
        assert host == "temporal" and host in services
        assert port == "7233"
        other = {"UPRFLOW_TEMPORAL_ADDRESS": "example.tmprl.cloud:7233"}
        assert _value(svc, "UPRFLOW_TEMPORAL_ADDRESS", other) == other["UPRFLOW_TEMPORAL_ADDRESS"]

    api_port = int(_value(services["api"], "UPRFLOW_API_PORT"))
    assert api_port in {int(str(p).split(":")[-1]) for p in services["api"]["ports"]}


def test_secret_key_is_required(services: dict[str, dict[str, Any]]) -> None:
    for name in UPRFLOW_SERVICES:
        with pytest.raises(KeyError, match="UPRFLOW_SECRET_KEY"):
            _settings_values(services[name], {})


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
    final = _dockerfile_stages()[-1]
    assert final[0][1].split()[0] == "python:3.11-slim"
    users = [rest for kw, rest in final if kw == "USER"]
    assert users, "the image runs as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    # The final USER comes after every RUN (nothing is installed as root afterwards).
    last_user = max(i for i, (kw, _) in enumerate(final) if kw == "USER")
    assert all(kw != "RUN" for kw, _ in final[last_user:])


def test_dockerfile_installs_locked_dependencies_before_the_source() -> None:
    instructions = _dockerfile_instructions()
    runs = " ".join(rest for kw, rest in instructions if kw == "RUN")
    assert "[dev]" not in runs and " -e " not in runs
    copy_lock = _index(instructions, "COPY", rf"^{re.escape(LOCK)} ")
    install_lock = _index(
        instructions, "RUN", rf"pip install --require-hashes -r {re.escape(LOCK)}(\s|$)"
    )
    copy_source = _index(instructions, "COPY", r"^\. \S+$")
    install_project = _index(instructions, "RUN", r"pip install --no-deps \.(\s|$)")
    # Layer caching: a code change rebuilds neither the lock's COPY nor its install.
    assert copy_lock < install_lock < copy_source < install_project
    # One stage builds: the install of the lock and of the project happen in the same one.
    starts = [i for i, (kw, _) in enumerate(instructions) if kw == "FROM"]
    stage_of = [sum(1 for s in starts if s <= i) for i in (copy_lock, install_project)]
    assert stage_of[0] == stage_of[1]


def test_dockerfile_runtime_stage_has_no_source_tree() -> None:
    stages = _dockerfile_stages()
    final = stages[-1]
    copies = [rest for kw, rest in final if kw in {"COPY", "ADD"}]
    assert copies, "the runtime stage copies nothing"
    # Only the built environment from an earlier stage, never the build context.
    assert all(c.startswith("--from=") for c in copies), copies
    names = {rest.split()[-1] for rest in (s[0][1] for s in stages[:-1]) if " AS " in rest}
    assert all(c.split()[0].removeprefix("--from=") in names for c in copies), copies


def test_dockerfile_runs_the_api_in_production_mode() -> None:
    final = _dockerfile_stages()[-1]
    env = " ".join(rest for kw, rest in final if kw == "ENV")
    assert re.search(r"(^|\s)UPRFLOW_ENV=production(\s|$)", env), env
    assert "UPRFLOW_SECRET_KEY" not in env, "no secret is baked into the image"
    cmd = [rest for kw, rest in final if kw == "CMD"]
    assert cmd and yaml.safe_load(cmd[-1]) == ["uprflow", "api"]
    exposed = [rest for kw, rest in final if kw == "EXPOSE"]
    assert exposed == ["8000"]


def test_dockerfile_health_check_asks_the_liveness_probe() -> None:
    final = _dockerfile_stages()[-1]
    checks = [rest for kw, rest in final if kw == "HEALTHCHECK"]
    assert len(checks) == 1
    options, _, command = checks[0].partition(" CMD ")
    assert "--interval=" in options and "--timeout=" in options
    argv = yaml.safe_load(command)
    assert argv[:2] == ["python", "-c"]
    assert "urllib.request" in argv[2] and "/livez" in argv[2]
    assert "UPRFLOW_API_PORT" in argv[2]


def test_dockerfile_copies_only_existing_files() -> None:
    for kw, rest in _dockerfile_instructions():
        if kw not in {"COPY", "ADD"} or "--from=" in rest:
            continue
        args = [a for a in rest.split() if not a.startswith("--")]
        for source in args[:-1]:
            assert (ROOT / source).exists(), f"{kw} {source}: no such file"


def test_build_context_keeps_what_the_build_needs() -> None:
    needed = ["pyproject.toml", "README.md", "LICENSE", "worker.py", "profiles", LOCK]
    needed += ["uprflow", "uprflow/store", "domain", "workflows", "activities", "api"]
    for path in needed:
        assert not _dockerignored(path), f".dockerignore drops {path}"
        # The lock's existence is test_dockerfile_copies_only_existing_files' business.
        assert path == LOCK or (ROOT / path).exists(), path
    for path in [".venv", ".uprflow", ".git", ".pytest_cache", "uprflow/__pycache__", ".env"]:
        assert _dockerignored(path), f".dockerignore keeps {path}"
    for path in ["tests", "prod.env", "certs/client.key", "certs/client.pem"]:
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
            if source.startswith("."):
                assert str(mount).endswith(":ro"), f"{name}: {mount} is writable"


def test_init_script_creates_the_ledger_database(services: dict[str, dict[str, Any]]) -> None:
    mounts = _mounts(services["postgresql"])
    assert "/docker-entrypoint-initdb.d" in mounts, "no init scripts mounted"
    scripts = sorted((ROOT / mounts["/docker-entrypoint-initdb.d"]).glob("*.sh"))
    assert scripts
    text = "".join(s.read_text() for s in scripts)
    url = urlsplit(_value(services["api"], "UPRFLOW_DATABASE_URL"))
    assert f"CREATE ROLE {url.username} LOGIN" in text
    assert f"CREATE DATABASE {url.path.lstrip('/')} OWNER {url.username}" in text
    # The password the script sets is the one in the API's URL.
    pg_env = _environment(services["postgresql"])
    assert pg_env["UPRFLOW_DB_PASSWORD"] == "${UPRFLOW_DB_PASSWORD:-uprflow}"
    assert "${UPRFLOW_DB_PASSWORD:-uprflow}@" in str(
        _environment(services["api"])["UPRFLOW_DATABASE_URL"]
    )
