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

{{/*
The log format, text or json (FEDNODE_LOG_FORMAT); anything else fails the install, as the
process would refuse it at start.
*/}}
{{- define "fednode-hub.logFormat" -}}
{{- if not (has .Values.logFormat (list "text" "json")) -}}
{{- fail (printf "logFormat: %q is not a log format: use text or json" (toString .Values.logFormat)) -}}
{{- end -}}
{{- .Values.logFormat -}}
{{- end -}}

{{/*
An image reference from an image block of values (registry, repository, tag, digest), with
global.imageRegistry replacing the registry: <registry>/<repository>@<digest> when a digest is set,
else <registry>/<repository>:<tag or appVersion>. Call with (dict "image" .Values.image "root" .).
*/}}
{{- define "fednode-hub.image" -}}
{{- $registry := .root.Values.global.imageRegistry | default .image.registry -}}
{{- if .image.digest -}}
{{- printf "%s/%s@%s" $registry .image.repository .image.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" $registry .image.repository (.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}
{{- end -}}
