{{/* Names, following `helm create`. */}}
{{- define "berkeleytime.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "berkeleytime.fullname" -}}
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

{{- define "berkeleytime.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The image tag: image.tag, else the chart's appVersion; never "latest". */}}
{{- define "berkeleytime.tag" -}}
{{- $tag := toString (default .Chart.AppVersion .Values.image.tag) }}
{{- if eq $tag "latest" }}
{{- fail "image.tag must name a build (the git SHA), never latest" }}
{{- end }}
{{- $tag }}
{{- end }}

{{/*
The image every container runs: <repository>@<digest> when image.digest is
set (the tag then only names the build, in labels and BT_RELEASE), else
<repository>:<tag>.
*/}}
{{- define "berkeleytime.image" -}}
{{- with .Values.image.digest }}
{{- if not (regexMatch "^sha256:[0-9a-f]{64}$" .) }}
{{- fail (printf "image.digest must be sha256:<64 lowercase hex>, not %q" .) }}
{{- end }}
{{- printf "%s@%s" $.Values.image.repository . }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (include "berkeleytime.tag" .) }}
{{- end }}
{{- end }}

{{/* Pull policy: a digest never changes what it names, so a cached copy is the image. */}}
{{- define "berkeleytime.pullPolicy" -}}
{{- if .Values.image.digest }}IfNotPresent{{ else }}{{ .Values.image.pullPolicy }}{{ end }}
{{- end }}

{{/*
Annotations on every workload (Deployment, Job, CronJob): the git commit the
image was built from, when image.revision is set. Renders an `annotations:`
block, or nothing. Call with the root context.
*/}}
{{- define "berkeleytime.workloadAnnotations" -}}
{{- with .Values.image.revision }}
{{- if not (regexMatch "^[0-9a-f]{40}([0-9a-f]{24})?$" .) }}
{{- fail (printf "image.revision must be a full git commit (40 hex), not %q" .) }}
{{- end }}
annotations:
  berkeleytime.com/revision: {{ . | quote }}
{{- end }}
{{- end }}

{{- define "berkeleytime.labels" -}}
helm.sh/chart: {{ include "berkeleytime.chart" . }}
{{ include "berkeleytime.selectorLabels" . }}
app.kubernetes.io/version: {{ include "berkeleytime.tag" . | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: berkeleytime
{{- end }}

{{- define "berkeleytime.selectorLabels" -}}
app.kubernetes.io/name: {{ include "berkeleytime.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Every host the release serves, in order. */}}
{{- define "berkeleytime.hosts" -}}
{{- $hosts := concat .Values.hosts.main .Values.hosts.dashboard }}
{{- if .Values.search.enabled }}
{{- $hosts = concat $hosts .Values.hosts.search }}
{{- end }}
{{- toJson (uniq $hosts) }}
{{- end }}

{{/*
Non-secret settings, as NAME: "value" lines. The ConfigMap renders them, and
so does the migrate job directly: as a pre-install hook it runs before the
ConfigMap exists.
*/}}
{{- define "berkeleytime.config" -}}
{{- if not .Values.hosts.main }}
{{- fail "hosts.main needs at least one host" }}
{{- end }}
{{- if and .Values.hosts.search (not .Values.search.enabled) }}
{{- fail "hosts.search is set but search.enabled is false: nothing would serve it" }}
{{- end }}
{{- $hosts := include "berkeleytime.hosts" . | fromJsonArray -}}
BT_ENVIRONMENT: {{ .Values.environment | quote }}
BT_MAIN_HOST: {{ first .Values.hosts.main | quote }}
{{- with .Values.hosts.search }}
BT_SEARCH_HOST: {{ first . | quote }}
{{- end }}
{{- with .Values.hosts.dashboard }}
BT_DASHBOARD_HOST: {{ first . | quote }}
{{- end }}
ALLOWED_HOSTS: {{ join "," $hosts | quote }}
CSRF_TRUSTED_ORIGINS: {{ $origins := list }}{{ range $hosts }}{{ $origins = append $origins (printf "https://%s" .) }}{{ end }}{{ join "," $origins | quote }}
DEBUG: "false"
SECURE_SSL_REDIRECT: {{ .Values.config.secureSslRedirect | toString | quote }}
CACHE_KEY_PREFIX: {{ required "config.cacheKeyPrefix is required" .Values.config.cacheKeyPrefix | quote }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
TRUSTED_PROXY_COUNT: {{ .Values.config.trustedProxyCount | toString | quote }}
API_RATE_BURST: {{ .Values.config.apiRateBurst | quote }}
API_RATE_SUSTAINED: {{ .Values.config.apiRateSustained | quote }}
LOGIN_FAILURE_LIMIT: {{ .Values.config.loginFailureLimit | toString | quote }}
LOGIN_LOCKOUT_SECONDS: {{ .Values.config.loginLockoutSeconds | toString | quote }}
LOG_FORMAT: {{ .Values.config.logFormat | quote }}
BT_DATA_DIR: {{ .Values.config.dataDir | quote }}
BT_RELEASE: {{ include "berkeleytime.tag" . | quote }}
PROMETHEUS_URL: {{ .Values.dashboard.prometheusUrl | quote }}
DEPLOY_VIA: {{ .Values.deployWorker.via | quote }}
DEPLOY_GIT_REF: {{ .Values.deployWorker.gitRef | quote }}
DEPLOY_DRY_RUN: {{ .Values.deployWorker.dryRun | toString | quote }}
GITHUB_REPOSITORY: {{ .Values.deployWorker.githubRepository | quote }}
{{- range $name, $url := .Values.dashboard.links }}
{{ $name }}: {{ $url | quote }}
{{- end }}
{{- range $name, $value := .Values.config.extraEnv }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/*
Environment every container gets besides the ConfigMap: the pod's IP (so the
kubelet's probes and Prometheus, which address pods by IP, pass
ALLOWED_HOSTS), REDIS_URL built around the password from the Secret, and the
Secret's keys. Kubernetes expands $(NAME) from variables defined before,
the ConfigMap's included. Call with (dict "root" $ "inline" BOOL): inline
means the settings are written out here rather than read from the ConfigMap.
*/}}
{{- define "berkeleytime.env" -}}
{{- $root := .root -}}
{{- $secret := $root.Values.existingSecret -}}
{{- $config := include "berkeleytime.config" $root | fromYaml -}}
- name: POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
{{- if .inline }}
{{- range $name, $value := omit $config "ALLOWED_HOSTS" }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
- name: ALLOWED_HOSTS
  value: {{ printf "%s,$(POD_IP)" $config.ALLOWED_HOSTS | quote }}
{{- else }}
- name: ALLOWED_HOSTS
  value: "$(ALLOWED_HOSTS),$(POD_IP)"
{{- end }}
- name: SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ required "existingSecret.name is required" $secret.name }}
      key: {{ $secret.secretKeyKey }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret.name }}
      key: {{ $secret.databaseUrlKey }}
{{- if $secret.redisPasswordKey }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret.name }}
      key: {{ $secret.redisPasswordKey }}
- name: REDIS_URL
  value: {{ printf "redis://:$(REDIS_PASSWORD)@%s:%v/%v" $root.Values.redis.host $root.Values.redis.port $root.Values.redis.database | quote }}
{{- else }}
- name: REDIS_URL
  value: {{ printf "redis://%s:%v/%v" $root.Values.redis.host $root.Values.redis.port $root.Values.redis.database | quote }}
{{- end }}
{{- if $secret.elasticsearchUrlKey }}
- name: ELASTICSEARCH_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret.name }}
      key: {{ $secret.elasticsearchUrlKey }}
      optional: true
{{- end }}
{{- if $secret.sentryDsnKey }}
- name: SENTRY_DSN
  valueFrom:
    secretKeyRef:
      name: {{ $secret.name }}
      key: {{ $secret.sentryDsnKey }}
      optional: true
{{- end }}
{{- end }}

{{/* Pod-level settings every pod shares. */}}
{{- define "berkeleytime.podSpecCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- with .Values.serviceAccountName }}
serviceAccountName: {{ . }}
{{- end }}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{/*
The web and search pods: same image, same settings, own component label.
Call with (dict "root" $ "component" "web" "values" .Values.web).
*/}}
{{- define "berkeleytime.serverPodTemplate" -}}
{{- $root := .root -}}
{{- $v := .values -}}
metadata:
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    {{- if $root.Values.metrics.scrape }}
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ $root.Values.containerPort | quote }}
    prometheus.io/path: {{ $root.Values.metrics.path | quote }}
    {{- end }}
  labels:
    {{- include "berkeleytime.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  {{- include "berkeleytime.podSpecCommon" $root | trim | nindent 2 }}
  terminationGracePeriodSeconds: 30
  {{- if $v.spreadAcrossNodes }}
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "berkeleytime.selectorLabels" $root | nindent 10 }}
          app.kubernetes.io/component: {{ .component }}
  {{- end }}
  {{- if $root.Values.migrations.waitInitContainer }}
  # Until the migrate Job has applied this code's migrations the pod shows
  # Init:0/1, not CrashLoopBackOff; it fails after migrations.waitTimeoutSeconds.
  initContainers:
    - name: wait-for-migrations
      image: {{ include "berkeleytime.image" $root }}
      imagePullPolicy: {{ include "berkeleytime.pullPolicy" $root }}
      args: ["wait-for-migrations"]
      envFrom:
        - configMapRef:
            name: {{ include "berkeleytime.fullname" $root }}
      env:
        {{- include "berkeleytime.env" (dict "root" $root "inline" false) | nindent 8 }}
        - name: MIGRATIONS_WAIT_TIMEOUT
          value: {{ $root.Values.migrations.waitTimeoutSeconds | quote }}
      resources:
        {{- toYaml $root.Values.migrations.waitResources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  {{- end }}
  containers:
    - name: {{ .component }}
      image: {{ include "berkeleytime.image" $root }}
      imagePullPolicy: {{ include "berkeleytime.pullPolicy" $root }}
      ports:
        - name: http
          containerPort: {{ $root.Values.containerPort }}
          protocol: TCP
      envFrom:
        - configMapRef:
            name: {{ include "berkeleytime.fullname" $root }}
      env:
        {{- include "berkeleytime.env" (dict "root" $root "inline" false) | nindent 8 }}
        - name: PORT
          value: {{ $root.Values.containerPort | quote }}
        - name: WEB_CONCURRENCY
          value: {{ $v.workers | quote }}
        # gunicorn's workers keep their metrics here; gunicorn.conf.py empties it at start
        - name: PROMETHEUS_MULTIPROC_DIR
          value: /run/metrics
        {{- /* Students' sign-in with Google (the accounts app): web pods only. */}}
        {{- if eq .component "web" }}
        {{- range $setting, $key := dict "GOOGLE_CLIENT_ID" $root.Values.existingSecret.googleClientIdKey "GOOGLE_CLIENT_SECRET" $root.Values.existingSecret.googleClientSecretKey }}
        {{- if $key }}
        - name: {{ $setting }}
          valueFrom:
            secretKeyRef:
              name: {{ $root.Values.existingSecret.name }}
              key: {{ $key }}
              optional: true
        {{- end }}
        {{- end }}
        {{- end }}
      startupProbe:
        httpGet:
          path: {{ $root.Values.probes.startupPath }}
          port: http
        periodSeconds: 2
        timeoutSeconds: 2
        failureThreshold: {{ $root.Values.probes.startupFailureThreshold }}
      livenessProbe:
        httpGet:
          path: {{ $root.Values.probes.livenessPath }}
          port: http
        periodSeconds: 10
        timeoutSeconds: 3
        failureThreshold: 3
      readinessProbe:
        httpGet:
          path: {{ $root.Values.probes.readinessPath }}
          port: http
        periodSeconds: 5
        timeoutSeconds: 3
        failureThreshold: 2
      lifecycle:
        # Keep serving while the endpoint removal reaches the ingress.
        preStop:
          exec:
            command: ["sleep", "5"]
      resources:
        {{- toYaml $v.resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        - name: metrics
          mountPath: /run/metrics
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ $root.Values.tmpSizeLimit }}
    - name: metrics
      emptyDir:
        medium: Memory
        sizeLimit: {{ $root.Values.metrics.multiprocDirSizeLimit }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/*
A job's pod: one container running `args` through the image's entrypoint.
Call with (dict "root" $ "component" "import" "args" (list ...) "resources" ...
"envFromConfigMap" true "volumes" (list) "volumeMounts" (list) "extraEnv" (list)).
"stable" true leaves out what changes without the image changing (the
config checksum, the chart label), for a Job whose template must stay the
same for as long as its image does.
*/}}
{{- define "berkeleytime.jobPodTemplate" -}}
{{- $root := .root -}}
metadata:
  {{- if not .stable }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
  {{- end }}
  labels:
    {{- if .stable }}
    {{- include "berkeleytime.selectorLabels" $root | nindent 4 }}
    app.kubernetes.io/version: {{ include "berkeleytime.tag" $root | trunc 63 | quote }}
    app.kubernetes.io/part-of: berkeleytime
    {{- else }}
    {{- include "berkeleytime.labels" $root | nindent 4 }}
    {{- end }}
    app.kubernetes.io/component: {{ .component }}
spec:
  {{- include "berkeleytime.podSpecCommon" $root | trim | nindent 2 }}
  restartPolicy: Never
  containers:
    - name: {{ .component }}
      image: {{ include "berkeleytime.image" $root }}
      imagePullPolicy: {{ include "berkeleytime.pullPolicy" $root }}
      args:
        {{- toYaml .args | nindent 8 }}
      {{- if .envFromConfigMap }}
      envFrom:
        - configMapRef:
            name: {{ include "berkeleytime.fullname" $root }}
      {{- end }}
      env:
        {{- include "berkeleytime.env" (dict "root" $root "inline" (not .envFromConfigMap)) | nindent 8 }}
        {{- with .extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      resources:
        {{- toYaml .resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- with .volumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ $root.Values.tmpSizeLimit }}
    {{- with .volumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}

{{/*
One container of the backup and staging refresh pods, running
files/database-backup.sh from the ConfigMap with the given image.
Call with (dict "root" $ "name" "dump" "image" "postgres:..." "args" (list ...) "databaseUrl" BOOL).
*/}}
{{- define "berkeleytime.databaseToolContainer" -}}
{{- $root := .root -}}
- name: {{ .name }}
  image: {{ .image }}
  imagePullPolicy: IfNotPresent
  command: ["bash", "/scripts/database-backup.sh"]
  args:
    {{- toYaml .args | nindent 4 }}
  env:
    - name: HOME
      value: /tmp
    - name: CLOUDSDK_CONFIG
      value: /tmp/gcloud
    - name: BACKUP_BUCKET
      value: {{ required "databaseBackup.bucket is required" $root.Values.databaseBackup.bucket | quote }}
    {{- if .databaseUrl }}
    - name: DATABASE_URL
      valueFrom:
        secretKeyRef:
          name: {{ $root.Values.existingSecret.name }}
          key: {{ $root.Values.existingSecret.databaseUrlKey }}
    {{- end }}
  resources:
    {{- toYaml $root.Values.databaseBackup.resources | nindent 4 }}
  securityContext:
    {{- toYaml $root.Values.securityContext | nindent 4 }}
  volumeMounts:
    - name: tmp
      mountPath: /tmp
    - name: scripts
      mountPath: /scripts
      readOnly: true
    - name: backup
      mountPath: /backup
{{- end }}

{{/* Pod-level settings and volumes of the backup and staging refresh pods. */}}
{{- define "berkeleytime.databaseToolPodCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
serviceAccountName: {{ include "berkeleytime.fullname" . }}-database-backup
automountServiceAccountToken: false
enableServiceLinks: false
restartPolicy: Never
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: {{ .Values.tmpSizeLimit }}
  - name: backup
    emptyDir:
      sizeLimit: {{ .Values.databaseBackup.scratchSizeLimit }}
  - name: scripts
    configMap:
      name: {{ include "berkeleytime.fullname" . }}-database-scripts
      defaultMode: 0555
{{- end }}

{{/*
The public hosts as a YAML list of {host, service, api}: main and dashboard
hosts go to the web pods, search hosts to the search pods; api is true where
/api/ is served (every host but the dashboard's). Read with fromYamlArray.
*/}}
{{- define "berkeleytime.ingressRoutes" -}}
{{- range .Values.hosts.main }}
- {host: {{ . | quote }}, service: web, api: true}
{{- end }}
{{- range .Values.hosts.dashboard }}
- {host: {{ . | quote }}, service: web, api: false}
{{- end }}
{{- if .Values.search.enabled }}
{{- range .Values.hosts.search }}
- {host: {{ . | quote }}, service: search, api: true}
{{- end }}
{{- end }}
{{- end }}
