from django.shortcuts import render

from .api import api_not_found, api_server_error, wants_json


def not_found(request, exception=None):
    if wants_json(request):
        return api_not_found(request, exception)
    return render(request, "404.html", status=404)


def server_error(request):
    if wants_json(request):
        return api_server_error(request)
    return render(request, "500.html", status=500)
