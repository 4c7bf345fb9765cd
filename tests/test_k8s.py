"""The Kubernetes manifests (deploy/k8s/, a kustomize base): each object is valid against the
Kubernetes schemas (kubernetes-validate, strict: no unknown fields), and the base holds what
running on many machines needs: web with an autoscaler and split probes, workers, exactly
one beat, a migrations Job, an ingress that keeps WebSockets open, settings from a ConfigMap
and Secrets."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

K8S = Path(__file__).resolve().parents[1] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"


def kustomization() -> dict:
    return yaml.safe_load((K8S / "kustomization.yaml").read_text())


def objects() -> list[dict]:
    found = []
    for name in kustomization()["resources"]:
        found += [doc for doc in yaml.safe_load_all((K8S / name).read_text()) if doc]
    return found


def one(kind: str, name: str) -> dict:
    matches = [o for o in objects() if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def test_every_file_in_deploy_k8s_is_in_the_kustomization():
    listed = set(kustomization()["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk


@pytest.mark.parametrize("manifest", objects(),
                         ids=lambda o: f"{o['kind']}/{o['metadata']['name']}")
def test_each_object_is_valid_against_the_kubernetes_schema(manifest):
    kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_an_invalid_object_is_refused():
    """The check can fail: a misspelt field in the web Deployment is an error."""
    broken = one("Deployment", "hearth-web")
    broken["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def _container(deployment: dict) -> dict:
    return deployment["spec"]["template"]["spec"]["containers"][0]


def test_web_scales_on_cpu_and_probes_the_split_health_endpoints():
    web = one("Deployment", "hearth-web")
    container = _container(web)
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz/ready"
    hpa = one("HorizontalPodAutoscaler", "hearth-web")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": "hearth-web"}
    assert hpa["spec"]["minReplicas"] >= 2
    assert "replicas" in web["spec"] and web["spec"]["replicas"] >= hpa["spec"]["minReplicas"]


def test_workers_and_exactly_one_beat_with_its_lock_probe():
    worker = one("Deployment", "hearth-worker")
    assert _container(worker)["command"][:5] == ["celery", "-A", "hearth", "--quiet", "worker"]
    assert _container(worker)["livenessProbe"]["exec"]["command"][-1] == "worker"
    beat = one("Deployment", "hearth-beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"]["type"] == "Recreate"  # never two during a rollout
    assert _container(beat)["livenessProbe"]["exec"]["command"][-1] == "beat"
    assert not [o for o in objects() if o["kind"] == "HorizontalPodAutoscaler"
                and o["spec"]["scaleTargetRef"]["name"] == "hearth-beat"]


def test_migrations_run_as_a_job_that_web_waits_for():
    job = one("Job", "hearth-migrate")
    assert _container(job)["command"][:4] == ["python", "manage.py", "migrate", "--noinput"]
    init = one("Deployment", "hearth-web")["spec"]["template"]["spec"]["initContainers"][0]
    assert "migrate --check" in " ".join(init["command"])


def test_settings_come_from_the_configmap_and_the_secret():
    config = one("ConfigMap", "hearth-config")["data"]
    assert config["DEBUG"] == "False"
    secret = one("Secret", "hearth-secrets")["stringData"]
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= set(secret)
    assert not {"SECRET_KEY", "DATABASE_URL"} & set(config)
    for kind, name in [("Deployment", "hearth-web"), ("Deployment", "hearth-worker"),
                       ("Deployment", "hearth-beat"), ("Job", "hearth-migrate")]:
        sources = _container(one(kind, name))["envFrom"]
        assert {"configMapRef": {"name": "hearth-config"}} in sources
        assert {"secretRef": {"name": "hearth-secrets"}} in sources


def test_the_ingress_serves_https_and_keeps_websockets_open():
    ingress = one("Ingress", "hearth")
    annotations = ingress["metadata"]["annotations"]
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert ingress["spec"]["tls"]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "hearth-web"
