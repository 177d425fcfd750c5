"""/api/v1/me/: the signed-in student's profile, lists of saved courses, export and
deletion. Session-authenticated (the site's sign-in cookie; changes need the CSRF token);
signed out every operation answers 403. A list id that is not the student's answers 404,
as one that does not exist."""

from django.contrib.auth import logout
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.views import COURSE_PATH
from catalog.models import lookup_course

from .. import services
from ..exports import export
from .serializers import (
    AddCourseSerializer,
    DeleteAccountSerializer,
    ListNameSerializer,
    ProfileSerializer,
    SavedListSerializer,
)

SIGNED_OUT = {
    403: OpenApiResponse(response=OpenApiTypes.OBJECT, description="Not signed in (or no CSRF token on a change).")
}
BAD_BODY = {400: OpenApiResponse(response=OpenApiTypes.OBJECT, description="A field is invalid; errors names it.")}
NOT_YOURS = {404: OpenApiResponse(response=OpenApiTypes.OBJECT, description="No such list of yours.")}
LIST_ID = [OpenApiParameter("list_id", int, OpenApiParameter.PATH, description="A list's id (GET /api/v1/me/lists/)")]


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]


def _list_body(user, saved) -> dict:
    entry = next(e for e in services.lists_with_courses(user) if e["list"].pk == saved.pk)
    return SavedListSerializer(entry).data


def _get_list(user, list_id):
    try:
        return services.get_list(user, list_id)
    except services.ListNotFound:
        raise NotFound("No such list.") from None


def _invalid(error: services.InvalidList):
    return ValidationError({error.field: [error.message]})


class ProfileView(MeView):
    @extend_schema(responses={200: ProfileSerializer, **SIGNED_OUT}, summary="The signed-in student")
    def get(self, request):
        return Response(ProfileSerializer(request.user).data)


class ListsView(MeView):
    @extend_schema(responses={200: SavedListSerializer(many=True), **SIGNED_OUT}, summary="Your lists of saved courses")
    def get(self, request):
        services.default_list(request.user)
        return Response(SavedListSerializer(services.lists_with_courses(request.user), many=True).data)

    @extend_schema(
        request=ListNameSerializer,
        responses={201: SavedListSerializer, **BAD_BODY, **SIGNED_OUT},
        summary="Create a list",
    )
    def post(self, request):
        data = ListNameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            saved = services.create_list(request.user, data.validated_data["name"])
        except services.InvalidList as error:
            raise _invalid(error) from None
        return Response(_list_body(request.user, saved), status=status.HTTP_201_CREATED)


class ListView(MeView):
    @extend_schema(parameters=LIST_ID, responses={200: SavedListSerializer, **SIGNED_OUT, **NOT_YOURS})
    def get(self, request, list_id: int):
        return Response(_list_body(request.user, _get_list(request.user, list_id)))

    @extend_schema(
        parameters=LIST_ID,
        request=ListNameSerializer,
        responses={200: SavedListSerializer, **BAD_BODY, **SIGNED_OUT, **NOT_YOURS},
        summary="Rename a list",
    )
    def patch(self, request, list_id: int):
        _get_list(request.user, list_id)
        data = ListNameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            saved = services.rename_list(request.user, list_id, data.validated_data["name"])
        except services.InvalidList as error:
            raise _invalid(error) from None
        return Response(_list_body(request.user, saved))

    @extend_schema(parameters=LIST_ID, responses={204: None, **SIGNED_OUT, **NOT_YOURS}, summary="Delete a list")
    def delete(self, request, list_id: int):
        _get_list(request.user, list_id).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class ListCoursesView(MeView):
    @extend_schema(
        parameters=LIST_ID,
        request=AddCourseSerializer,
        responses={200: SavedListSerializer, **BAD_BODY, **SIGNED_OUT, **NOT_YOURS},
        summary="Save a course in a list",
    )
    def post(self, request, list_id: int):
        saved = _get_list(request.user, list_id)
        data = AddCourseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.add_course(request.user, data.validated_data["course"], saved.pk)
        except services.InvalidList as error:
            raise _invalid(error) from None
        return Response(_list_body(request.user, saved))


class ListCourseView(MeView):
    @extend_schema(
        parameters=[*LIST_ID, *COURSE_PATH],
        responses={204: None, **SIGNED_OUT, **NOT_YOURS},
        summary="Take a course out of a list",
    )
    def delete(self, request, list_id: int, subject: str, number: str):
        saved = _get_list(request.user, list_id)
        course = lookup_course(subject, number)
        if course is None or not services.remove_course(request.user, course, saved.pk):
            raise NotFound("That course is not in this list.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExportView(MeView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, **SIGNED_OUT}, summary="Everything kept about you, as one JSON document"
    )
    def get(self, request):
        response = Response(export(request.user))
        response["Cache-Control"] = "no-store"
        return response


class DeleteAccountView(MeView):
    @extend_schema(
        request=DeleteAccountSerializer,
        responses={204: None, **BAD_BODY, **SIGNED_OUT},
        summary="Delete your account and everything kept about you (confirm with your email address)",
    )
    def post(self, request):
        data = DeleteAccountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["confirm"].strip().lower() != (request.user.email or "").lower():
            raise ValidationError({"confirm": ["Give your account's email address to confirm."]})
        with transaction.atomic():
            request.user.delete()
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
