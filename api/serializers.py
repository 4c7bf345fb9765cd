"""What the API shows of each object. The view decides what may be seen (community
permissions); these only shape it. An anonymous post's author is shown only to whom
community.permissions.can_see_author allows, exactly as on the pages."""

from __future__ import annotations

from rest_framework import serializers

from accounts.permissions import is_verified_clinician
from community import permissions
from community.models import Community, Post, Reaction, Thread
from hearth.lib.emails import absolute


class AuthorSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    is_clinician = serializers.BooleanField()


def _author(viewer, obj) -> dict | None:
    if obj.author_id is None or not permissions.can_see_author(viewer, obj):
        return None
    author = obj.author
    return {"username": author.username, "display_name": str(author),
            "is_clinician": is_verified_clinician(author)}


class CommunitySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    can_read = serializers.SerializerMethodField()

    class Meta:
        model = Community
        fields = ["slug", "name", "description", "visibility", "allow_anonymous",
                  "member_count", "thread_count", "last_activity_at", "url", "can_read"]

    def get_url(self, obj) -> str:
        return absolute(obj.get_absolute_url())

    def get_can_read(self, obj) -> bool:
        return permissions.can_view_community(self.context["request"].user, obj)


class ThreadSerializer(serializers.ModelSerializer):
    community = serializers.CharField(source="community.slug")
    author = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Thread
        fields = ["id", "community", "title", "kind", "status", "is_anonymous", "is_pinned",
                  "is_locked", "reply_count", "reaction_count", "clinician_answer_count",
                  "accepted_post", "created_at", "last_activity_at", "author", "url"]

    def get_author(self, obj) -> AuthorSerializer(allow_null=True):  # type: ignore[valid-type]
        return _author(self.context["request"].user, obj)

    def get_url(self, obj) -> str:
        return absolute(obj.get_absolute_url())


class ReactionCountsSerializer(serializers.Serializer):
    helpful = serializers.IntegerField()
    support = serializers.IntegerField()
    thanks = serializers.IntegerField()


class PostSerializer(serializers.ModelSerializer):
    thread = serializers.IntegerField(source="thread_id")
    author = serializers.SerializerMethodField()
    reactions = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "thread", "position", "body", "body_html", "status", "is_anonymous",
                  "is_clinician_answer", "author", "reactions", "created_at", "edited_at",
                  "url"]

    def get_author(self, obj) -> AuthorSerializer(allow_null=True):  # type: ignore[valid-type]
        return _author(self.context["request"].user, obj)

    def get_reactions(self, obj) -> ReactionCountsSerializer:  # type: ignore[valid-type]
        return {"helpful": obj.helpful_count, "support": obj.support_count,
                "thanks": obj.thanks_count}

    def get_url(self, obj) -> str:
        return absolute(f"/p/{obj.pk}/")


class SearchResultSerializer(serializers.Serializer):
    post = serializers.IntegerField(source="pk")
    thread = serializers.IntegerField(source="thread_id")
    thread_title = serializers.CharField(source="thread.title")
    community = serializers.CharField(source="thread.community.slug")
    snippet_html = serializers.CharField()
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return absolute(f"/p/{obj.pk}/")


class NotificationSerializer(serializers.Serializer):
    """What happened and where: the link, never who (an anonymous actor stays unknown)."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    thread = serializers.IntegerField(source="thread_id", allow_null=True)
    post = serializers.IntegerField(source="post_id", allow_null=True)
    count = serializers.IntegerField()
    read = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class MembershipSerializer(serializers.Serializer):
    community = serializers.CharField(source="community.slug")
    role = serializers.CharField()
    status = serializers.CharField()


class ProfileSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField(source="__str__")
    date_joined = serializers.DateTimeField()
    role = serializers.CharField()
    memberships = MembershipSerializer(many=True)
    unread_notifications = serializers.IntegerField()


# --- Writes -----------------------------------------------------------------------------------


class ThreadCreateSerializer(serializers.Serializer):
    community = serializers.SlugField(max_length=80)
    title = serializers.CharField(max_length=200, allow_blank=True, trim_whitespace=False)
    body = serializers.CharField(max_length=25000, allow_blank=True, trim_whitespace=False)
    kind = serializers.ChoiceField(choices=Thread.Kind.choices, default=Thread.Kind.DISCUSSION)
    anonymous = serializers.BooleanField(default=False)


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=25000, allow_blank=True, trim_whitespace=False)
    anonymous = serializers.BooleanField(default=False)


class ReactionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Reaction.Kind.choices)


class ReactionResultSerializer(serializers.Serializer):
    kind = serializers.CharField()
    reacted = serializers.BooleanField()
    reactions = ReactionCountsSerializer()


class FollowSerializer(serializers.Serializer):
    following = serializers.BooleanField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
