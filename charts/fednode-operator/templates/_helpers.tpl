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
