"""The cluster's enrollment sync, which sends the alerts, reads EMAIL_URL from the Secret, and no other pod does."""

from tests.deploy.conftest import pod_templates, rendered  # noqa: F401 - a fixture used below


def test_only_the_enrollment_sync_reads_the_mail_server_from_the_secret(rendered):  # noqa: F811
    for environment, docs in rendered.items():
        for name, template in pod_templates(docs):
            env = {item["name"]: item for item in template["spec"]["containers"][0].get("env", [])}
            if name.endswith("sis-enrollment"):
                reference = env["EMAIL_URL"]["valueFrom"]["secretKeyRef"]
                assert reference == {"name": "berkeleytime", "key": "EMAIL_URL", "optional": True}, environment
            else:
                assert "EMAIL_URL" not in env, f"{environment} {name}"
