{{/* Name of the chart, overridable. */}}
{{- define "pipbot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fully qualified app name: the release name, with the chart's name unless it already holds it. */}}
{{- define "pipbot.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels every object carries. */}}
{{- define "pipbot.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "pipbot.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Labels that select the serving pods. */}}
{{- define "pipbot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pipbot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end -}}

{{/* The container image. */}}
{{- define "pipbot.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/*
The variables pipbot masks when it prints its configuration (config.Secret
fields, and the database and Redis URLs, which carry passwords). They may be
set only under `secrets`, never in the ConfigMap; deploy/check tests that
this list matches package config.
*/}}
{{- define "pipbot.secretKeys" -}}
PIPBOT_DB PIPBOT_REDIS SLACK_BOT_TOKEN SLACK_SIGNING_SECRET SLACK_APP_TOKEN LARK_APP_SECRET LARK_VERIFICATION_TOKEN LARK_ENCRYPT_KEY
{{- end -}}

{{/* The other variables pipbot reads; PIPBOT_ADDR is the chart's. */}}
{{- define "pipbot.configKeys" -}}
PIPBOT_TZ PIPBOT_LOCALE PIPBOT_HR PIPBOT_RULES PIPBOT_CALENDAR PIPBOT_HOLIDAYS PIPBOT_ORG SLACK_API_URL SLACK_MANAGER_FIELD LARK_APP_ID LARK_DOMAIN LARK_MODE
{{- end -}}

{{/* The Secret the pods read their credentials from. */}}
{{- define "pipbot.secretName" -}}
{{- .Values.existingSecret | default (include "pipbot.fullname" .) -}}
{{- end -}}

{{/*
Refuse values that would deploy something broken or leak a credential: a
secret under `config`, an unknown variable, replicas without a shared
database and Redis.
*/}}
{{- define "pipbot.validate" -}}
{{- $secret := splitList " " (include "pipbot.secretKeys" .) -}}
{{- $known := splitList " " (include "pipbot.configKeys" .) -}}
{{- range $k, $v := .Values.config -}}
{{- if has $k $secret -}}
{{- fail (printf "config.%s is a credential: set it under secrets (or in existingSecret), never in the ConfigMap" $k) -}}
{{- end -}}
{{- if not (has $k $known) -}}
{{- fail (printf "config.%s is not a pipbot variable (known: %s); use extraEnv for others" $k (join ", " $known)) -}}
{{- end -}}
{{- end -}}
{{- range $k, $v := .Values.secrets -}}
{{- if not (has $k $secret) -}}
{{- fail (printf "secrets.%s is not a pipbot credential (known: %s); put settings under config" $k (join ", " $secret)) -}}
{{- end -}}
{{- end -}}
{{- if not .Values.image.repository -}}
{{- fail "image.repository is required: push the image built from the repository's Dockerfile to your registry and name it here" -}}
{{- end -}}
{{- if not .Values.existingSecret -}}
{{- if not .Values.secrets.PIPBOT_DB -}}
{{- fail "secrets.PIPBOT_DB is required (postgres://… or mysql://…), or name a Secret holding it in existingSecret" -}}
{{- end -}}
{{- if hasPrefix "sqlite" (.Values.secrets.PIPBOT_DB | lower) -}}
{{- fail "secrets.PIPBOT_DB: SQLite lives in one pod's file system; use postgres:// or mysql://" -}}
{{- end -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.secrets.PIPBOT_REDIS) -}}
{{- fail "secrets.PIPBOT_REDIS is required with more than one replica: the replicas share dedupe keys, leases and rate buckets there" -}}
{{- end -}}
{{- end -}}
{{- end -}}
