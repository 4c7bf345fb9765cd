"""The API's views. Thin, like the pages: look up with selectors, decide with
community.permissions (404 for what may not be seen), write with the services."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import role_of
from community import permissions, search, selectors
from community import services as forum
from community.models import Community, Membership, Post, Thread
from notifications import selectors as notification_selectors
from notifications import services as notification_services

from . import serializers as s
from .errors import PROBLEM
from .models import ApiToken
from .schema import Problem

ERRORS = {(code, PROBLEM): Problem for code in (400, 401, 403, 404, 429)}
READ_ERRORS = ERRORS
FILTERS = [
    OpenApiParameter("community", str, description="A community's slug."),
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="Created at or after."),
    OpenApiParameter("until", OpenApiTypes.DATETIME, description="Created before."),
]


class Cursor(CursorPagination):
    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = "-pk"


class PostCursor(Cursor):
    ordering = "position"


class Filters(serializers.Serializer):
    community = serializers.SlugField(required=False, max_length=80)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


def _filters(request) -> dict:
    filters = Filters(data=request.query_params)
    filters.is_valid(raise_exception=True)
    return filters.validated_data


def _community_or_404(user, slug: str) -> Community:
    community = Community.objects.filter(slug=slug).first()
    if community is None or not permissions.can_view_community(user, community):
        raise Http404
    return community


def _thread_or_404(user, pk: int) -> Thread:
    thread = Thread.objects.select_related("community", "author", "author__clinician") \
        .filter(pk=pk).first()
    if thread is None or not permissions.can_view_thread(user, thread):
        raise Http404
    return thread


def _post_or_404(user, pk: int) -> Post:
    post = selectors.post_with_thread(pk=pk)
    if post is None or not permissions.can_view_post(user, post):
        raise Http404
    return post


def _by_time(queryset, filters: dict):
    if "since" in filters:
        queryset = queryset.filter(created_at__gte=filters["since"])
    if "until" in filters:
        queryset = queryset.filter(created_at__lt=filters["until"])
    return queryset


class Paged(APIView):
    pagination_class = Cursor

    def page(self, queryset, serializer_class, *, prepare=None):
        paginator = self.pagination_class()
        rows = paginator.paginate_queryset(queryset, self.request, view=self)
        if prepare is not None:
            prepare(rows)
        data = serializer_class(rows, many=True, context={"request": self.request}).data
        return paginator.get_paginated_response(data)


# --- Communities --------------------------------------------------------------------------


class CommunityList(APIView):
    @extend_schema(operation_id="communities_list", responses={200: s.CommunitySerializer(
        many=True), **READ_ERRORS}, summary="Every community (a private one is listed, as in "
        "the directory; what it holds is for its members).")
    def get(self, request):
        communities = selectors.community_list(user=request.user)
        return Response(s.CommunitySerializer(communities, many=True,
                                              context={"request": request}).data)


class CommunityDetail(APIView):
    @extend_schema(operation_id="communities_retrieve",
                   responses={200: s.CommunitySerializer, **READ_ERRORS})
    def get(self, request, slug):
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            raise Http404
        return Response(s.CommunitySerializer(community, context={"request": request}).data)


# --- Threads ----------------------------------------------------------------------------------


class ThreadList(Paged):
    @extend_schema(operation_id="threads_list", parameters=FILTERS,
                   responses={200: s.ThreadSerializer(many=True), **READ_ERRORS})
    def get(self, request):
        filters = _filters(request)
        threads = permissions.threads_visible_to(request.user).select_related(
            "community", "author", "author__clinician")
        if "community" in filters:
            threads = threads.filter(community=_community_or_404(request.user,
                                                                 filters["community"]))
        return self.page(_by_time(threads, filters), s.ThreadSerializer)

    @extend_schema(operation_id="threads_create", request=s.ThreadCreateSerializer,
                   responses={201: s.ThreadSerializer, **ERRORS},
                   summary="Start a discussion or a question (screened like one from the page: "
                           "its status is held until screening lets it through).")
    def post(self, request):
        data = s.ThreadCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        community = Community.objects.filter(slug=values.pop("community")).first()
        if community is None:
            raise Http404
        thread = forum.thread_create(author=request.user, community=community, **values)
        thread = _thread_or_404(request.user, thread.pk)
        return Response(s.ThreadSerializer(thread, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class ThreadDetail(APIView):
    @extend_schema(operation_id="threads_retrieve",
                   responses={200: s.ThreadSerializer, **READ_ERRORS})
    def get(self, request, pk):
        thread = _thread_or_404(request.user, pk)
        return Response(s.ThreadSerializer(thread, context={"request": request}).data)


class ThreadPosts(Paged):
    pagination_class = PostCursor

    @extend_schema(operation_id="threads_posts_list",
                   responses={200: s.PostSerializer(many=True), **READ_ERRORS})
    def get(self, request, pk):
        thread = _thread_or_404(request.user, pk)
        posts = selectors.thread_posts(user=request.user, thread=thread)

        def attach(rows):
            for post in rows:
                post.thread = thread

        return self.page(posts, s.PostSerializer, prepare=attach)

    @extend_schema(operation_id="threads_posts_create", request=s.ReplySerializer,
                   responses={201: s.PostSerializer, **ERRORS},
                   summary="Reply (screened like a reply from the page).")
    def post(self, request, pk):
        thread = _thread_or_404(request.user, pk)
        data = s.ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = forum.post_reply(author=request.user, thread=thread, **data.validated_data)
        post = _post_or_404(request.user, post.pk)
        return Response(s.PostSerializer(post, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class ThreadFollow(APIView):
    @extend_schema(operation_id="threads_follow", request=None,
                   responses={200: s.FollowSerializer, **ERRORS})
    def post(self, request, pk):
        thread = _thread_or_404(request.user, pk)
        forum.thread_follow(user=request.user, thread=thread)
        return Response({"following": True})

    @extend_schema(operation_id="threads_unfollow", request=None,
                   responses={200: s.FollowSerializer, **ERRORS})
    def delete(self, request, pk):
        thread = _thread_or_404(request.user, pk)
        following = thread.follows.filter(user=request.user).exists()
        if following:
            following = forum.thread_follow_toggle(user=request.user, thread=thread)
        return Response({"following": following})


# --- Posts ----------------------------------------------------------------------------------


class PostList(Paged):
    @extend_schema(operation_id="posts_list", parameters=FILTERS,
                   responses={200: s.PostSerializer(many=True), **READ_ERRORS},
                   summary="Public posts anywhere the caller may read, newest first.")
    def get(self, request):
        filters = _filters(request)
        posts = permissions.posts_visible_to(request.user).select_related(
            "thread__community", "author", "author__clinician")
        if "community" in filters:
            posts = posts.filter(thread__community=_community_or_404(request.user,
                                                                     filters["community"]))
        return self.page(_by_time(posts, filters), s.PostSerializer)


class PostDetail(APIView):
    @extend_schema(operation_id="posts_retrieve",
                   responses={200: s.PostSerializer, **READ_ERRORS})
    def get(self, request, pk):
        post = _post_or_404(request.user, pk)
        return Response(s.PostSerializer(post, context={"request": request}).data)


class PostReactions(APIView):
    @extend_schema(operation_id="posts_react", request=s.ReactionSerializer,
                   responses={200: s.ReactionResultSerializer, **ERRORS},
                   summary="Add a reaction, or take it back if it was there.")
    def post(self, request, pk):
        post = _post_or_404(request.user, pk)
        data = s.ReactionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kind = data.validated_data["kind"]
        reacted = forum.reaction_toggle(user=request.user, post=post, kind=kind)
        return Response({"kind": kind, "reacted": reacted,
                         "reactions": {"helpful": post.helpful_count,
                                       "support": post.support_count,
                                       "thanks": post.thanks_count}})


# --- Search ---------------------------------------------------------------------------------


class Search(APIView):
    @extend_schema(operation_id="search", parameters=[
        OpenApiParameter("q", str, required=True), OpenApiParameter("community", str)],
        responses={200: s.SearchResultSerializer(many=True), **READ_ERRORS})
    def get(self, request):
        query = request.query_params.get("q", "").replace("\x00", "").strip()[:200]
        slug = request.query_params.get("community", "")
        community = _community_or_404(request.user, slug) if slug else None
        results = search.search_posts(user=request.user, query=query, community=community) \
            if query else []
        return Response(s.SearchResultSerializer(results, many=True).data)


# --- The member's own ------------------------------------------------------------------------


class Me(APIView):
    members_only = True

    @extend_schema(operation_id="me_retrieve", responses={200: s.ProfileSerializer,
                                                          **READ_ERRORS})
    def get(self, request):
        user = request.user
        memberships = Membership.objects.filter(user=user).select_related(
            "community").order_by("community__slug")
        data = s.ProfileSerializer({
            "username": user.username, "__str__": str(user), "date_joined": user.date_joined,
            "role": role_of(user), "memberships": memberships,
            "unread_notifications": notification_selectors.unread_count(user=user),
        }).data
        return Response(data)


class Notifications(Paged):
    members_only = True

    @extend_schema(operation_id="notifications_list",
                   responses={200: s.NotificationSerializer(many=True), **READ_ERRORS})
    def get(self, request):
        notes = notification_selectors.notification_list(user=request.user).order_by("-pk")
        return self.page(notes, s.NotificationSerializer)


class NotificationsRead(APIView):
    @extend_schema(operation_id="notifications_mark_all_read", request=None,
                   responses={200: s.MarkedSerializer, **ERRORS})
    def post(self, request):
        marked = notification_services.notifications_mark_all_read(user=request.user)
        return Response({"marked": marked})


class NotificationRead(APIView):
    @extend_schema(operation_id="notifications_mark_read", request=None,
                   responses={200: s.NotificationSerializer, **ERRORS})
    def post(self, request, pk):
        note = notification_services.notification_open(user=request.user, notification_id=pk)
        if note is None:
            raise Http404
        return Response(s.NotificationSerializer(note).data)


# --- Insights -------------------------------------------------------------------------------


class Insights(APIView):
    required_scope = ApiToken.Scope.INSIGHTS
    members_only = True

    @extend_schema(operation_id="insights_retrieve", parameters=[
        OpenApiParameter("community", int, description="A community's id (default: all that "
                                                        "the caller may see)."),
        OpenApiParameter("range", str, description="As on the dashboard: 7, 30, 90 days..."),
    ], responses={200: inline_serializer("Insights", fields={
        "scope": serializers.DictField(), "period": serializers.DictField(),
        "figures": serializers.DictField(), "computed_at": serializers.DateTimeField()}),
        **READ_ERRORS},
        summary="The dashboard's figures, with the same small-cell suppression.")
    def get(self, request):
        from insights import presenters, snapshots
        from insights.views import Selection

        selection = Selection(request._request)
        if selection.period is None:
            raise serializers.ValidationError(selection.form.errors.get_json_data())
        # the selection's stored figures, as on the dashboard (insights.snapshots)
        data = snapshots.dashboard(selection.community_ids, selection.period)
        payload = presenters.json_data(data.figures, scope=selection.scope(), series=data.series)
        payload["computed_at"] = data.computed_at.isoformat()
        response = Response(payload)
        response["Cache-Control"] = "private, no-store"
        return response


class NotFound(APIView):
    """Every method on a path the API does not have: the same 404 as a hidden object."""

    permission_classes = []

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        raise Http404

    post = put = patch = delete = get
