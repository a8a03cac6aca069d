{{- define "fednode-operator.name" -}}fednode-operator{{- end -}}

{{- define "fednode-operator.labels" -}}
app.kubernetes.io/name: {{ include "fednode-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: fednode
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "fednode-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fednode-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
