from django import template

from .. import permissions

register = template.Library()


@register.inclusion_tag("messaging/_profile_actions.html", takes_context=True)
def message_actions(context, member):
    """Message, follow and block buttons on a member's profile, for a signed-in viewer."""
    user = context["request"].user
    if not user.is_authenticated or user.pk == member.pk:
        return {"show": False}
    from ..models import Block, MemberFollow

    return {
        "show": True, "member": member, "csrf_token": context.get("csrf_token"),
        "can_message": permissions.can_message(user, member),
        "follows": MemberFollow.objects.filter(follower=user, followed=member).exists(),
        "blocks": Block.objects.filter(blocker=user, blocked=member).exists(),
        "path": context["request"].get_full_path(),
    }
