{{/* Names, labels and small computed values shared by every template. */}}

{{- define "ai-gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ai-gateway.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ai-gateway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ai-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ai-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "ai-gateway.labels" -}}
helm.sh/chart: {{ include "ai-gateway.chart" . }}
{{ include "ai-gateway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ai-gateway
{{- end }}

{{/* Labels for objects that belong to the release but not to the operator Pods. */}}
{{- define "ai-gateway.commonLabels" -}}
helm.sh/chart: {{ include "ai-gateway.chart" . }}
app.kubernetes.io/name: {{ include "ai-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ai-gateway
{{- end }}

{{- define "ai-gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ai-gateway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository[:tag][@digest] of the operator image; the tag defaults to the chart's appVersion. */}}
{{- define "ai-gateway.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{- define "ai-gateway.proxyImage" -}}
{{- default (include "ai-gateway.image" .) .Values.operator.provision.proxyImage }}
{{- end }}

{{/* Fail rendering on combinations that cannot work. */}}
{{- define "ai-gateway.validate" -}}
{{- if and (gt (int .Values.operator.replicas) 1) (not .Values.operator.leaderElection.enabled) }}
{{- fail "operator.replicas > 1 requires operator.leaderElection.enabled=true (only the leader may write status)" }}
{{- end }}
{{- if eq (int .Values.operator.snapshotPort) (int .Values.operator.adminPort) }}
{{- fail "operator.snapshotPort and operator.adminPort must differ" }}
{{- end }}
{{- end }}

{{/*
The CRDs the chart ships in crds/ (their file names there: agentgateway.dev_<plural>.yaml). Ours
carry the label app.kubernetes.io/part-of=ai-gateway; one of the same name without it is someone
else's (upstream agentgateway's), and Helm never replaces a CRD that exists.
*/}}
{{- define "ai-gateway.crdNames" -}}
agentgatewaybackends.agentgateway.dev agentgatewaypolicies.agentgateway.dev agentgatewayparameters.agentgateway.dev airoutes.agentgateway.dev
{{- end }}

{{/* The names of installed CRDs of ours that are not ours, space separated (empty: none or no cluster). */}}
{{- define "ai-gateway.foreignCrds" -}}
{{- $foreign := list }}
{{- range $name := splitList " " (include "ai-gateway.crdNames" .) }}
{{- $crd := lookup "apiextensions.k8s.io/v1" "CustomResourceDefinition" "" $name }}
{{- if and $crd (ne (dig "metadata" "labels" "app.kubernetes.io/part-of" "" $crd) "ai-gateway") }}
{{- $foreign = append $foreign $name }}
{{- end }}
{{- end }}
{{- join " " $foreign }}
{{- end }}
