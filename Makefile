# fednode — the two commands a person needs are `make run` and `make test`.
SHELL := /bin/bash
MVN ?= mvn -B -ntp
.DEFAULT_GOAL := help

.PHONY: help tools test run build crds format clean-playground

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

tools: ## build the Kubernetes binaries from source (cached) and install the test tools
	tools/build-k8s.sh
	tools/install-test-deps.sh

test: tools ## run every test: unit, integration (real kube-apiserver) and e2e (kwokctl cluster)
	$(MVN) verify

build: ## compile and package without tests
	$(MVN) -DskipTests -DskipITs package

run: tools build ## run the operator, hub and a sample node (local control plane unless KUBECONFIG is set)
	tools/playground.sh

crds: ## regenerate crds/ and the charts' CRDs (hub: FederationMember) from the api module's model
	$(MVN) -q -pl api -am -DskipTests process-classes
	cp api/target/classes/META-INF/fabric8/*-v1.yml crds/
	cp api/target/classes/META-INF/fabric8/federationmembers.*-v1.yml charts/fednode-hub/crds/
	find api/target/classes/META-INF/fabric8 -name '*-v1.yml' ! -name 'federationmembers.*' \
		-exec cp {} charts/fednode-operator/crds/ \;
	tools/render-manifests.sh

format: ## apply the enforced code format
	$(MVN) -q spotless:apply

clean-playground: ## delete the local playground cluster
	tools/playground.sh --delete
