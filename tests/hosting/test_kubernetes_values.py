"""The Zero to JupyterHub values parse, use only real chart keys with the
types the chart allows, and agree with the single-machine hub.

The chart's schema is not published as a package (it ships inside the Helm
chart), so the keys this file uses are listed below with the types and
enumerations that the chart's ``jupyterhub/values.schema.yaml`` gives them
(zero-to-jupyterhub-k8s, commit 02dd73df01bdbb6d602fed21b0be12565ab38080,
chart appVersion 5.4.x), and the values are validated against a JSON Schema
built from that list with ``additionalProperties: false`` at every level, as
the chart's own schema has. Nothing here can run a cluster.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
import yaml
from traitlets.config import Config

REPO = Path(__file__).resolve().parents[2]
VALUES = REPO / "hosting" / "kubernetes" / "values.yaml"
IMAGE_REPO_DIR = "/srv/peer-course"  # repo2docker --target-repo-dir in the guide

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INT = {"type": ["integer", "null"]}
FREE = {}  # the chart accepts anything below this key

# dotted key -> its schema in the chart (only the keys values.yaml uses)
CHART_KEYS: dict[str, dict] = {
    "hub.config": FREE,
    "hub.loadRoles": FREE,
    "hub.extraEnv": {"type": ["object", "array"]},
    "hub.extraConfig": {"type": "object"},
    "singleuser.image.name": {"type": "string"},
    "singleuser.image.tag": {"type": "string"},
    "singleuser.image.pullPolicy": {"enum": [None, "", "IfNotPresent", "Always", "Never"]},
    "singleuser.defaultUrl": NULLABLE_STRING,
    "singleuser.fsGid": NULLABLE_INT,
    "singleuser.extraEnv": {"type": ["object", "array"]},
    "singleuser.storage.type": {"enum": ["dynamic", "static", "none"]},
    "singleuser.storage.capacity": NULLABLE_STRING,
    "singleuser.storage.homeMountPath": {"type": "string"},
    "singleuser.storage.extraVolumes": {"type": "array"},
    "singleuser.storage.extraVolumeMounts": {"type": "array"},
    "singleuser.initContainers": {"type": "array"},
    "singleuser.memory.guarantee": {"type": ["number", "string", "null"]},
    "singleuser.memory.limit": {"type": ["number", "string", "null"]},
    "singleuser.cpu.limit": {"type": ["number", "null"]},
    "singleuser.startTimeout": NULLABLE_INT,
    "cull.enabled": {"type": "boolean"},
    "cull.timeout": NULLABLE_INT,
    "cull.every": NULLABLE_INT,
    "cull.maxAge": NULLABLE_INT,
    "proxy.https.enabled": {"type": ["boolean", "null"]},
    "proxy.https.type": {"enum": [None, "", "letsencrypt", "manual", "offload", "secret"]},
    "proxy.https.hosts": {"type": "array"},
    "proxy.https.letsencrypt.contactEmail": NULLABLE_STRING,
}
# objects whose listed children the chart requires
CHART_REQUIRED = {
    "singleuser.image": ["name", "tag"],
    "singleuser.storage": ["type", "homeMountPath"],
    "cull": ["enabled"],
}


def subset_schema() -> dict:
    """A JSON Schema of the chart's keys above: closed objects, typed leaves."""
    root: dict = {"type": "object", "additionalProperties": False, "properties": {}}
    for dotted, leaf in CHART_KEYS.items():
        node = root
        parts = dotted.split(".")
        for depth, part in enumerate(parts[:-1]):
            node = node["properties"].setdefault(
                part, {"type": "object", "additionalProperties": False, "properties": {}})
            required = CHART_REQUIRED.get(".".join(parts[:depth + 1]))
            if required:
                node["required"] = required
        node["properties"][parts[-1]] = leaf
    return root


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


def test_values_use_only_chart_keys_with_chart_types(values):
    errors = sorted(jsonschema.Draft7Validator(subset_schema()).iter_errors(values), key=str)
    assert [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errors] == []


def test_the_key_check_catches_a_wrong_key(values):
    broken = {**values, "singleuser": {**values["singleuser"], "defaultURL": "/lab"}}
    assert list(jsonschema.Draft7Validator(subset_schema()).iter_errors(broken))


def test_every_jupyterhub_setting_in_hub_config_is_a_real_trait(values):
    """hub.config is passed to traitlets as is; each name must exist."""
    from jupyterhub.app import JupyterHub
    from jupyterhub.auth import Authenticator

    known = {"JupyterHub": JupyterHub.class_trait_names(config=True),
             "Authenticator": Authenticator.class_trait_names(config=True)}
    for section, settings in values["hub"]["config"].items():
        if section in known:
            assert set(settings) <= set(known[section]), section


def test_exchange_volume_matches_the_course_settings(values):
    singleuser = values["singleuser"]
    exchange = singleuser["extraEnv"]["PEER_COURSE_EXCHANGE"]
    mounts = {m["name"]: m["mountPath"] for m in singleuser["storage"]["extraVolumeMounts"]}
    volumes = {v["name"]: v for v in singleuser["storage"]["extraVolumes"]}
    assert exchange.startswith(mounts["nbgrader-exchange"] + "/")
    pvc = yaml.safe_load((REPO / "hosting" / "kubernetes" / "exchange-pvc.yaml").read_text(encoding="utf-8"))
    assert volumes["nbgrader-exchange"]["persistentVolumeClaim"]["claimName"] == pvc["metadata"]["name"]
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    [init] = singleuser["initContainers"]
    assert exchange in init["command"][-1] and "chmod 1777" in init["command"][-1]  # sticky


def test_learner_pods_use_the_same_configuration_as_one_machine(values):
    singleuser = values["singleuser"]
    hub_config = (REPO / "hosting" / "jupyterhub" / "jupyterhub_config.py").read_text(encoding="utf-8")
    default_url = re.search(r'c\.Spawner\.default_url = "([^"]+)"', hub_config).group(1)
    assert singleuser["defaultUrl"] == default_url
    for folder in singleuser["extraEnv"]["JUPYTER_CONFIG_PATH"].split(":"):
        assert folder.startswith(IMAGE_REPO_DIR + "/")
        assert (REPO / folder.removeprefix(IMAGE_REPO_DIR + "/")).is_dir(), folder
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
    assert singleuser["storage"]["type"] == "dynamic"


def test_formgrader_is_the_grader_server_for_trainers_only(values):
    hub = values["hub"]
    groups = hub["config"]["JupyterHub"]["load_groups"]
    role = hub["loadRoles"]["formgrade-peer-course"]
    assert role["groups"] == ["formgrade-peer-course"]
    assert "grader-peer-course" in groups["formgrade-peer-course"]["users"]
    assert all(scope.endswith("!user=grader-peer-course") for scope in role["scopes"])
    assert "PEER_COURSE_DB_URL" not in values["singleuser"]["extraEnv"]  # never in learners' pods


class FakeSpawner(SimpleNamespace):
    pass


def test_extra_config_runs_and_sets_up_the_grader_pod(values, monkeypatch):
    code = values["hub"]["extraConfig"]["peer-course.py"]
    c = Config()
    exec(compile(code, "extraConfig/peer-course.py", "exec"), {"c": c})  # noqa: S102 (our own file)
    monkeypatch.setenv("PEER_COURSE_DB_URL", "postgresql://grader@db/gradebook")
    hook = c.KubeSpawner.pre_spawn_hook
    learner = FakeSpawner(user=SimpleNamespace(name="ana", id=7), environment={}, cmd=None, default_url="",
                          volumes=[], volume_mounts=[])
    hook(learner)
    assert learner.environment == {} and learner.cmd is None
    assert learner.volumes == [] and learner.volume_mounts == []  # no learner pod sees the sources
    assert c.KubeSpawner.uid(learner) == 100007
    grader = FakeSpawner(user=SimpleNamespace(name="grader-peer-course", id=1), environment={}, cmd=None,
                         default_url="", volumes=[], volume_mounts=[])
    hook(grader)
    assert grader.environment["PEER_COURSE_ASSESSMENTS"] == "/srv/peer-course-assessments"
    assert grader.volume_mounts == [{"name": "assessments", "readOnly": True,
                                     "mountPath": "/srv/peer-course-assessments"}]
    assert grader.volumes[0]["persistentVolumeClaim"]["claimName"] == "peer-course-assessments"
    assert grader.environment["PEER_COURSE_DB_URL"] == "postgresql://grader@db/gradebook"
    assert grader.environment["JUPYTER_CONFIG_PATH"].split(":")[0].endswith("/jupyter-config/formgrader")
    assert grader.default_url == "/formgrader"
    assert grader.cmd[-1] == "--" and "exec jupyterhub-singleuser" in grader.cmd[2]
