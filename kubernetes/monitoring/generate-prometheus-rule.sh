#!/usr/bin/env bash
# Writes prometheus-rule.yaml: the groups of alert-rules.yaml (the one file to edit) wrapped in a
# PrometheusRule for the Prometheus Operator. MonitoringAssetsTest fails while the two differ.
set -euo pipefail
cd "$(dirname "$0")"
{
  cat <<'HEADER'
# GENERATED from alert-rules.yaml by generate-prometheus-rule.sh: edit alert-rules.yaml, then run
# the script. The same groups as the plain rules file, for the Prometheus Operator. Its Prometheus
# picks PrometheusRules by its ruleSelector (kube-prometheus-stack: the label `release: <its
# release name>` unless ruleSelectorNilUsesHelmValues is false): add that label in an overlay.
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: meshgate
  namespace: meshgate-system
  labels:
    app.kubernetes.io/name: meshgate
spec:
HEADER
  # From `groups:` on, every non-empty line indented by two spaces under `spec:`.
  sed -n '/^groups:/,$p' alert-rules.yaml | sed 's/^./  &/'
} >prometheus-rule.yaml
