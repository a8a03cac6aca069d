{{- define "fednode-hub.name" -}}fednode-hub{{- end -}}

{{- define "fednode-hub.labels" -}}
app.kubernetes.io/name: {{ include "fednode-hub.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: fednode
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "fednode-hub.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fednode-hub.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
