"""Pages of the dashboard host: staff only, everyone else is sent to log in or refused."""

import shlex
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import deploys, health, services
from .models import DeployRun, Environment

HISTORY_LENGTH = 25
# What each button does, in the words the buttons use.
ACTIONS = {
    Environment.STAGING: "Deploy main to staging",
    Environment.PRODUCTION: "Promote staging to production",
}


def staff_required(view):
    """Anonymous visitors go to the login page; logged-in users without the staff flag get 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _action(environment: str) -> str:
    return ACTIONS[environment].replace("main", settings.DEPLOY_GIT_REF, 1)


@require_GET
@staff_required
def home(request):
    active = {run.environment: run for run in DeployRun.objects.active()}
    return render(
        request,
        "dashboard/home.html",
        {
            "buttons": [
                {"environment": environment, "label": _action(environment), "active": active.get(environment)}
                for environment in Environment.values
            ],
            "runs": DeployRun.objects.all()[:HISTORY_LENGTH],
            "checks": health.dependency_checks(),
            "imports": health.last_runs(health.DATA_IMPORTERS),
            "reindexes": health.last_reindexes(),
            "syncs": health.sis_syncs(),
            "traffic": health.traffic(),
            "links": settings.DASHBOARD_LINKS,
            "deploy_settings": _deploy_settings(),
        },
    )


def _deploy_settings() -> dict:
    return {
        "via": settings.DEPLOY_VIA,
        "dry_run": settings.DEPLOY_DRY_RUN,
        "repository": settings.GITHUB_REPOSITORY,
        "workflows": settings.GITHUB_WORKFLOWS,
        "commands": settings.DEPLOY_COMMANDS,
    }


@require_POST
@staff_required
def deploy(request):
    """The deploy buttons. The first POST shows what will happen; only the confirming POST queues a run."""
    environment = request.POST.get("environment", "")
    if environment not in Environment.values:
        raise Http404("unknown environment")
    context = {
        "environment": environment,
        "label": _action(environment),
        "git_ref": settings.DEPLOY_GIT_REF,
        "deploy_settings": _deploy_settings(),
        "workflow": settings.GITHUB_WORKFLOWS[environment],
        "command": shlex.join(deploys.command_for(environment)),
        "must_type": environment == Environment.PRODUCTION,
        "active": DeployRun.objects.active().for_environment(environment).first(),
    }
    if request.POST.get("confirm") != "yes":
        return render(request, "dashboard/confirm.html", context)
    if context["must_type"] and request.POST.get("typed", "").strip() != environment:
        context["error"] = f"Type {environment} to confirm."
        return render(request, "dashboard/confirm.html", context, status=400)
    try:
        run = services.request_deploy(request.user, environment)
    except services.DeployInProgress as exc:
        messages.error(request, str(exc))
        return redirect("run", exc.active.pk) if exc.active else redirect("home")
    messages.success(request, f"Deploy #{run.pk} to {environment} queued.")
    return redirect("run", run.pk)


@require_GET
@staff_required
def run_detail(request, pk: int):
    return render(request, "dashboard/run.html", {"run": get_object_or_404(DeployRun, pk=pk)})


@require_GET
@staff_required
def run_log(request, pk: int):
    """The run's state and its log from character ``offset`` on, for the page that follows a running deploy."""
    run = get_object_or_404(DeployRun, pk=pk)
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        offset = 0
    duration = run.duration
    return JsonResponse(
        {
            "id": run.pk,
            "status": run.status,
            "status_display": run.get_status_display(),
            "active": run.is_active,
            "exit_code": run.exit_code,
            "image_tag": run.image_tag,
            "duration_seconds": round(duration.total_seconds(), 1) if duration else None,
            "offset": len(run.log),
            "log": run.log[offset:],
        }
    )


def forbidden(request, exception=None):
    return render(request, "dashboard/403.html", status=403)
