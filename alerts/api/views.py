"""/api/v1/me/alerts/: the signed-in student's follows (seat alerts). Session-authenticated
like the rest of /api/v1/me/ (changes need the CSRF token); signed out every operation
answers 403. A follow id that is not the student's answers 404, as one that does not exist."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from .serializers import FollowRequestSerializer, FollowSerializer

SIGNED_OUT = {
    403: OpenApiResponse(response=OpenApiTypes.OBJECT, description="Not signed in (or no CSRF token on a change).")
}
BAD_BODY = {400: OpenApiResponse(response=OpenApiTypes.OBJECT, description="A field is invalid; errors names it.")}
NOT_YOURS = {404: OpenApiResponse(response=OpenApiTypes.OBJECT, description="No such follow of yours.")}
FOLLOW_ID = [
    OpenApiParameter("follow_id", int, OpenApiParameter.PATH, description="A follow's id (GET /api/v1/me/alerts/)")
]


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]


def _own(user, follow_id: int):
    found = selectors.get_follow(user, follow_id)
    if found is None:
        raise NotFound("No such follow.")
    return found


class FollowsView(MeView):
    @extend_schema(
        responses={200: FollowSerializer(many=True), **SIGNED_OUT}, summary="What you follow for seat alerts"
    )
    def get(self, request):
        return Response(FollowSerializer(selectors.follows_of(request.user), many=True).data)

    @extend_schema(
        request=FollowRequestSerializer,
        responses={201: FollowSerializer, **BAD_BODY, **SIGNED_OUT},
        summary="Follow a class or a section (again: what to watch now)",
    )
    def post(self, request):
        data = FollowRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        try:
            course, term, section = services.target(body["course"], body.get("term"), body.get("section"))
            found = services.follow(request.user, course, term, section, body["seats"], body.get("waitlist_position"))
        except services.InvalidFollow as error:
            raise ValidationError({error.field: [error.message]}) from None
        return Response(FollowSerializer(_own(request.user, found.pk)).data, status=status.HTTP_201_CREATED)


class FollowView(MeView):
    @extend_schema(parameters=FOLLOW_ID, responses={200: FollowSerializer, **SIGNED_OUT, **NOT_YOURS})
    def get(self, request, follow_id: int):
        return Response(FollowSerializer(_own(request.user, follow_id)).data)

    @extend_schema(
        parameters=FOLLOW_ID, responses={204: None, **SIGNED_OUT, **NOT_YOURS}, summary="Stop following, alerts and all"
    )
    def delete(self, request, follow_id: int):
        _own(request.user, follow_id).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
