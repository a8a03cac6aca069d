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

{{- /* watchNamespaces, checked: a JSON list of namespace names. Rendering fails when it is empty
(the operator gets no cluster-wide rights, so it must be told where to work) or malformed. */ -}}
{{- define "fednode-operator.watchNamespaces" -}}
{{- $list := .Values.watchNamespaces | default list -}}
{{- if kindIs "string" $list -}}{{- $list = splitList "," $list -}}{{- end -}}
{{- $clean := list -}}
{{- range $list -}}
{{- $ns := trim (toString .) -}}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$" $ns) -}}
{{- fail (printf "watchNamespaces: %q is not a namespace name" $ns) -}}
{{- end -}}
{{- $clean = append $clean $ns -}}
{{- end -}}
{{- if not $clean -}}
{{- fail "watchNamespaces is empty: list the namespaces whose FederationNodes this operator manages, e.g. --set 'watchNamespaces={hospital-a}'. The operator is granted a Role in each of them and nothing cluster-wide." -}}
{{- end -}}
{{- $clean | uniq | toJson -}}
{{- end -}}

{{/*
The log format, text or json (FEDNODE_LOG_FORMAT); anything else fails the install, as the
process would refuse it at start.
*/}}
{{- define "fednode-operator.logFormat" -}}
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
{{- define "fednode-operator.image" -}}
{{- $registry := .root.Values.global.imageRegistry | default .image.registry -}}
{{- if .image.digest -}}
{{- printf "%s/%s@%s" $registry .image.repository .image.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" $registry .image.repository (.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}
{{- end -}}
