# fednode — the two commands a person needs are `make run` and `make test`.
SHELL := /bin/bash
MVN ?= mvn -B -ntp
# The images' Java 17 base (Jib's from.image). Empty: tools/build-base-image.sh makes one from
# Debian's packages; outside, any JRE 17 image, e.g. `make images BASE_IMAGE=eclipse-temurin:17-jre`.
BASE_IMAGE ?=
.DEFAULT_GOAL := help

.PHONY: help tools test run run-local build images mirror-list crds format clean-playground

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

tools: ## build the Kubernetes binaries from source (cached), install the test tools, make the image base and the trainer image
	tools/build-k8s.sh
	tools/build-prometheus.sh
	tools/fetch-gitops-crds.sh
	tools/install-test-deps.sh
	tools/build-base-image.sh
	tools/build-trainer-image.sh

test: tools ## run every test: unit, integration (real kube-apiserver), e2e (local cluster with a real node)
	$(MVN) -Pimages verify

build: ## compile and package without tests
	$(MVN) -DskipTests -DskipITs package

images: ## build the operator, hub and anonymiser images (*/target/jib-image.tar; list: target/images.txt)
	$(if $(BASE_IMAGE),,tools/build-base-image.sh)
	$(MVN) -Pimages -DskipTests -DskipITs -pl operator,hub,anonymiser -am \
		-Dfednode.baseImage=$(or $(BASE_IMAGE),tar://$$(tools/build-base-image.sh --print-path)) package
	mkdir -p target && tools/image-list.sh $(or $(BASE_IMAGE),tar://$$(tools/build-base-image.sh --print-path)) > target/images.txt
	@cat target/images.txt

mirror-list: images ## list every image and chart an air-gapped site mirrors (charts packaged to target/charts)
	tools/mirror-list.sh

run: tools images ## the playground: a real local cluster, the hub and operator from their charts, a sample node
	tools/playground.sh

run-local: tools images ## the playground with the hub and operator as local processes
	tools/playground.sh --local-processes

crds: ## regenerate crds/ and the charts' CRDs (hub: FederationMember, FederatedJob) from the api module's model
	$(MVN) -q -pl api -am -DskipTests process-classes
	cp api/target/classes/META-INF/fabric8/*-v1.yml crds/
	cp api/target/classes/META-INF/fabric8/federationmembers.*-v1.yml \
		api/target/classes/META-INF/fabric8/federatedjobs.*-v1.yml charts/fednode-hub/crds/
	find api/target/classes/META-INF/fabric8 -name '*-v1.yml' ! -name 'federationmembers.*' \
		! -name 'federatedjobs.*' \
		-exec cp {} charts/fednode-operator/crds/ \;
	tools/render-manifests.sh

format: ## apply the enforced code format
	$(MVN) -q spotless:apply

clean-playground: ## delete the local playground cluster
	tools/playground.sh --delete
