"""Service descriptors to deployable artefacts: kustomize trees, compose, the Dockerfile."""
