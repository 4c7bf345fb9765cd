"""Forum pages. Thin: look up with selectors, decide with permissions, write with services."""

from __future__ import annotations

import zlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.permissions import is_in_good_standing, is_verified_clinician, profile_field_visible
from hearth.lib import pagecache
from hearth.lib.params import int_param, parse_int

from . import fragments, fragments_page, permissions, search, selectors, services
from .forms import EditForm, ReplyForm, ThreadForm
from .markdown import render_markdown
from .models import Community, Membership, Post, Reaction, ThreadFollow
from .paging import IndexPaginator, PositionPage, ReaderThreadsPaginator, thread_cursor


def _community_or_404(user, slug: str) -> Community:
    community = Community.objects.filter(slug=slug).first()
    if community is None or not permissions.can_view_community(user, community):
        raise Http404
    return community


def _post_or_404(user, pk: int) -> Post:
    post = selectors.post_with_thread(pk=pk)
    if post is None or not permissions.can_view_post(user, post):
        raise Http404
    return post


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_GET
def directory(request):
    query = request.GET.get("q", "").strip()[:100]
    communities = list(selectors.community_list(user=request.user, query=query))
    memberships = permissions.memberships_of(request.user)
    for community in communities:
        community.my_membership = memberships.get(community.pk)
    return render(request, "community/directory.html", {"communities": communities, "q": query})


@require_GET
def community_detail(request, slug):
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise Http404
    if permissions.shows_private_landing(request.user, community):
        # The directory lists every community: a non-member gets its card and a way in,
        # never its threads (they stay 404).
        return render(request, "community/community_private.html", {
            "community": community,
            "membership": permissions.memberships_of(request.user).get(community.pk),
        })
    if not permissions.can_view_community(request.user, community):
        raise Http404
    tab = request.GET.get("tab", "latest")
    if tab not in ("latest", "top", "questions", "unanswered"):
        tab = "latest"
    threads = selectors.community_threads(user=request.user, community=community, tab=tab)
    if permissions.reads_published_threads_only(request.user, community):
        paginator = ReaderThreadsPaginator(
            threads, selectors.THREADS_PER_PAGE, community_id=community.pk, tab=tab,
            author_id=request.user.pk if request.user.is_authenticated else None)
    else:
        paginator = IndexPaginator(threads, selectors.THREADS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    if tab == "latest" and page.number > 1 and request.GET.get("after"):
        # The link from the page before says where it ended: a range read, no offset.
        page = paginator.page_after(page.number, request.GET.get("after"))
    page.object_list = list(page.object_list)
    for thread in page.object_list:  # the badge (a template's failed look-up of a missing
        # clinician profile costs a dir() of the member and a log record, on every row)
        thread.author_verified = thread.author is not None and is_verified_clinician(
            thread.author)
    if tab == "latest" and page.has_next() and page.object_list:
        page.after = thread_cursor(page.object_list[-1])
    membership = permissions.memberships_of(request.user).get(community.pk)
    return render(request, "community/community.html", {
        "community": community, "page": page, "tab": tab, "membership": membership,
        "can_post": permissions.can_post_in(request.user, community),
        "can_moderate": permissions.can_moderate_community(request.user, community),
        "levels": Membership.Level.choices,
    })


@login_required
@require_POST
def community_join(request, slug):
    community = get_object_or_404(Community, slug=slug)
    membership = services.community_join(user=request.user, community=community)
    if membership.status == Membership.Status.PENDING:
        messages.info(request, _("Your request to join %(name)s is waiting for a moderator.")
                      % {"name": community.name})
        return redirect(community)
    messages.success(request, _("Welcome to %(name)s.") % {"name": community.name})
    return redirect(community)


@login_required
@require_POST
def community_leave(request, slug):
    community = get_object_or_404(Community, slug=slug)
    services.community_leave(user=request.user, community=community)
    messages.info(request, _("You left %(name)s.") % {"name": community.name})
    return redirect("community:directory")


@login_required
def join_requests(request, slug):
    """A moderator approves or declines requests to join a private community."""
    community = _community_or_404(request.user, slug)
    if not permissions.can_moderate_community(request.user, community):
        raise Http404
    if request.method == "POST":
        membership = get_object_or_404(Membership, pk=int_param(request.POST, "membership"),
                                       community=community, status=Membership.Status.PENDING)
        if request.POST.get("decision") == "approve":
            services.membership_approve(moderator=request.user, membership=membership)
            messages.success(request, _("%(name)s can now read and post here.")
                             % {"name": membership.user.username})
        else:
            services.membership_decline(moderator=request.user, membership=membership)
            messages.info(request, _("Request declined."))
        return redirect("community:requests", slug=community.slug)
    pending = community.memberships.filter(status=Membership.Status.PENDING).select_related(
        "user").order_by("joined_at")
    return render(request, "community/join_requests.html",
                  {"community": community, "pending": pending})


@login_required
@require_POST
def community_level(request, slug):
    community = _community_or_404(request.user, slug)
    try:
        services.membership_set_level(
            user=request.user, community=community, level=request.POST.get("level", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponse(status=400)
    return redirect(community)


@login_required
def thread_new(request, slug):
    community = _community_or_404(request.user, slug)
    draft = selectors.thread_draft(user=request.user, community=community) \
        if request.method == "GET" else None
    initial = {"title": draft.title, "body": draft.body} if draft else None
    form = ThreadForm(request.POST or None, allow_anonymous=community.allow_anonymous,
                      initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                thread = services.thread_create(
                    author=request.user, community=community, **form.cleaned_data
                )
            except ValidationError as error:
                _apply_errors(form, error)
                status = 400
            except services.RateLimited as error:
                form.add_error(None, error.message)
                status = 429
            except services.PostingNotAllowed as error:
                form.add_error(None, error.message)
                status = 403
            else:
                return redirect(thread)
        else:
            status = 400
    if not permissions.can_post_in(request.user, community):
        status = 403 if status == 200 and request.method == "POST" else status
    return render(request, "community/thread_new.html", {
        "community": community, "form": form,
        "can_post": permissions.can_post_in(request.user, community),
        "has_draft": draft is not None or bool(request.POST.get("title") or
                                               request.POST.get("body")),
    }, status=status)


@require_GET
def thread_detail(request, pk, slug=None):
    user = request.user
    cache_key = visit = own = None
    # Moderators and clinicians anywhere get their pages rendered for them (three queries).
    members = user.is_authenticated and fragments_page.may_share(user)
    if pagecache.applies(request, allowed_params=frozenset({"page"}), members=members):
        if user.is_authenticated:  # the thread and the member's own read: one query
            number = request.GET.get("page", "1")
            state, mine = selectors.thread_member_state(
                pk=pk, user=user, page=selectors.LAST_PAGE if number == "last"
                else parse_int(number, max_digits=6) or 1)
        else:
            state = selectors.thread_state(pk=pk)
        if state is None or not permissions.can_view_thread(user, state):
            raise Http404
        if slug not in (None, state.slug):
            pass
        elif user.is_authenticated:  # the shared member copy (community/fragments_page.py)
            klass = fragments_page.reader_class(user, state)
            visit = fragments_page.Visit.start(
                request, state, klass and _visitor_page_key(request, state, f"member-{klass}"),
                mine)
            if visit is not None and visit.page is not None:
                return visit.respond()
            if visit is not None and not visit.shared:  # their own posts on the page
                visit = None
            own = None if visit else mine  # rendered for them: their read is made already
            cache_key = visit and visit.key
        else:
            cache_key = _visitor_page_key(request, state)
            stored = pagecache.get(cache_key) if cache_key else None
            if stored is not None:
                return pagecache.respond(request, stored)
    thread = selectors.thread_for_page(user=user, pk=pk)
    if thread is None:
        raise Http404
    # The shared member copy shows what every member of its class may read: public posts.
    posts = selectors.thread_posts(user=AnonymousUser() if visit else user, thread=thread)
    after = int_param(request.GET, "after")
    if after is not None:  # "first unread": the first post this member has not seen
        first_unread = posts.filter(position__gt=after).first()
        if first_unread is not None:
            return redirect("community:post", pk=first_unread.pk)
    page = PositionPage(number=request.GET.get("page"), last_position=thread.last_position,
                        size=selectors.POSTS_PER_PAGE)
    low, high = page.bounds
    # positions are unique in a thread: the LIMIT changes nothing but the plan (without it the
    # planner expected thousands of rows on a hot thread and read every author: 150 ms at 100k)
    post_list = page.object_list = list(
        posts.filter(position__gt=low, position__lte=high)[:high - low])
    can_moderate = permissions.can_moderate_community(user, thread.community)
    marks = fragments_page.new_marks() if visit else None
    context = {
        "thread": thread, "community": thread.community, "page": page,
        "can_reply": permissions.can_reply(user, thread), "can_moderate": can_moderate,
        "can_accept": permissions.can_accept_answer(user, thread),
        "good_standing": is_in_good_standing(user),
        "reaction_kinds": Reaction.Kind.choices, "member_marks": marks, "live": bool(visit),
        **(pagecache.context(request) if cache_key else {}),
    }
    viewer = (selectors.ViewerState() if visit else own or
              selectors.viewer_state(user=user, thread=thread, post_ids=[p.pk for p in post_list]))
    thread.is_following = viewer.following
    for post in post_list:
        post.thread = thread  # the same object: no query per post for its thread
        if visit:  # every control there, marked with whom it is for (data-for)
            post.show_author = post.can_edit = post.can_delete = False
            post.my_reactions = set()
            continue
        post.show_author = permissions.can_see_author(user, post)
        post.my_reactions = {kind for (pid, kind) in viewer.reactions if pid == post.pk}
        post.is_bookmarked = post.pk in viewer.bookmarks
        post.can_edit = permissions.can_edit_post(user, post)
        post.can_delete = permissions.can_delete_post(user, post)
    posts_html = fragments.render_posts(request=request, posts=post_list, context=context)
    if cache_key is None:  # the page cache puts the token in itself
        posts_html = posts_html.replace(pagecache.marks(request).csrf, get_token(request))
    context["live"] = False  # only the posts are rendered as for every reader
    if visit:
        html = render_to_string("community/thread.html", {
            **context, "posts_html": mark_safe(posts_html)}, request)  # noqa: S308
        visit.store(html, marks=marks, variants={
            **fragments_page.variants(request, thread=thread, context=context, marks=marks,
                                      reply_form_class=ReplyForm),
            "last": post_list[-1].position if post_list else 0})
        return visit.respond()
    last_read = viewer.last_read
    if post_list and user.is_authenticated:  # in Redis; the database gets it in a batch
        unsaved = services.thread_mark_read(user=user, thread=thread,
                                            position=post_list[-1].position)
        last_read = max(last_read, unsaved)
    new_replies = max(0, thread.last_position - last_read) if last_read else 0
    draft = viewer.draft
    quote = _quote(user, thread, request.GET.get("quote"))
    reply_form = ReplyForm(allow_anonymous=thread.community.allow_anonymous,
                           initial={"body": f"{draft.rstrip()}\n\n{quote}" if draft and quote
                                    else draft or quote})
    context = {
        **context, "posts_html": mark_safe(posts_html),  # noqa: S308 - our own rendering
        "reply_form": reply_form, "new_replies": new_replies, "last_read": last_read,
        "has_draft": bool(draft),
    }
    if cache_key is None:
        return render(request, "community/thread.html", context)
    html = render_to_string("community/thread.html", context, request)
    return pagecache.respond(request, pagecache.store(cache_key, request, html))


def _visitor_page_key(request, thread, reader: str = "visitor") -> str | None:
    """What a visitor's copy of a thread page depends on: the thread's event number (every
    change to what it shows moves it), the community's name, colour and privacy, the page, the
    language, the time zone and the path (it is in the "sign in to reply" link). A member's
    shared copy also depends on their reader class (`reader`). None: not worth a key."""
    page = request.GET.get("page", "1")
    if page != "last" and parse_int(page, max_digits=6) is None:
        return None
    community = thread.community
    look = zlib.crc32(f"{community.name}\x1f{community.color}\x1f{community.visibility}".encode())
    # The share card (issue 23) shows only while the author allows it and no crisis flag is set.
    card = f"{int(getattr(thread, 'author_allows_previews', False))}{int(thread.is_crisis)}"
    return (f"{reader}-page:thread:{thread.pk}:{thread.event_seq}:{look}:{card}:{page}:"
            f"{translation.get_language()}:{timezone.get_current_timezone_name()}:{request.path}")


def _quote(user, thread, post_id: str | None) -> str:
    """The reply box starts with a quote of the chosen post (?quote=<id>), if it may be read."""
    pk = parse_int(post_id)
    if pk is None:
        return ""
    post = selectors.post_with_thread(pk=pk)
    if post is None or post.thread_id != thread.pk or not permissions.can_view_post(user, post):
        return ""
    name = post.author.username if post.author and permissions.can_see_author(user, post) \
        else _("Anonymous member")
    quoted = "\n".join(f"> {line}" for line in post.body.splitlines())
    return f"{name} wrote:\n{quoted}\n\n"


@login_required
@require_GET
def mention_suggestions(request, slug):
    """Usernames of members of the community starting with ?q= (for @mention autocomplete)."""
    community = _community_or_404(request.user, slug)
    if not permissions.can_post_in(request.user, community):
        raise Http404
    prefix = request.GET.get("q", "").strip().lstrip("@")[:40]
    names = selectors.member_names(community=community, prefix=prefix) if prefix else []
    return JsonResponse({"members": names})


@login_required
@require_GET
def clinician_queue(request):
    """Questions still waiting for a clinician in the communities the clinician belongs to."""
    if not is_verified_clinician(request.user):
        raise Http404
    questions = selectors.questions_awaiting_clinician(user=request.user)
    page = Paginator(questions, selectors.THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "community/clinician_queue.html", {"page": page})


@login_required
@require_POST
def thread_reply(request, pk):
    thread = selectors.thread_for_page(user=request.user, pk=pk)
    if thread is None:
        raise Http404
    form = ReplyForm(request.POST, allow_anonymous=thread.community.allow_anonymous)
    status = 400
    if form.is_valid():
        try:
            post = services.post_reply(author=request.user, thread=thread, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        except services.PostingNotAllowed as error:
            form.add_error(None, error.message)
            status = 403
        except services.RateLimited as error:
            form.add_error(None, error.message)
            status = 429
        else:
            if request.htmx:
                post = selectors.post_with_thread(pk=post.pk)
                post.show_author = True
                post.can_edit = post.can_delete = True
                post.my_reactions = set()
                thread.is_following = ThreadFollow.objects.filter(
                    thread=thread, user=request.user).exists()
                return render(request, "community/_reply_created.html", {
                    "post": post, "thread": thread, "community": thread.community,
                    "can_reply": permissions.can_reply(request.user, thread),
                    "can_accept": permissions.can_accept_answer(request.user, thread),
                    "can_moderate": permissions.can_moderate_community(request.user,
                                                                      thread.community),
                    "reply_form": ReplyForm(allow_anonymous=thread.community.allow_anonymous),
                })
            messages.success(request, _("Your reply was sent. It appears once it has been "
                                        "checked, usually within seconds."))
            return HttpResponseRedirect(f"{thread.get_absolute_url()}?page=last#post-{post.pk}")
    template = "community/_reply_form.html" if request.htmx else "community/reply_error.html"
    has_draft = permissions.drafts_visible_to(request.user).filter(thread=thread).exists()
    return render(request, template, {"thread": thread, "reply_form": form,
                                      "can_reply": True, "has_draft": has_draft}, status=status)


def _wants_fragment(request) -> bool:
    """The composer's own requests (fetch) get an empty answer; a form sent without
    JavaScript goes back to the page it came from."""
    return request.headers.get("X-Hearth-Composer") == "1"


def _draft_answer(request, save, discard, back: str):
    try:
        if "discard" in request.POST:
            discard()
            if not _wants_fragment(request):
                messages.info(request, _("Your draft was discarded."))
                return redirect(back)
        else:
            save(body=request.POST.get("body", ""), title=request.POST.get("title", ""))
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    except services.PostingNotAllowed as error:
        return HttpResponse(error.message, status=403)
    except services.RateLimited as error:
        return HttpResponse(error.message, status=429)
    return HttpResponse(status=204)


@login_required
@require_POST
def thread_draft_reply(request, pk):
    """The composer keeps the member's unfinished reply (POST body), or throws it away
    (POST discard)."""
    thread = selectors.thread_for_page(user=request.user, pk=pk)
    if thread is None:
        raise Http404
    return _draft_answer(
        request,
        lambda body, title: services.draft_save(user=request.user, thread=thread, body=body),
        lambda: services.draft_discard(user=request.user, thread=thread),
        f"{thread.get_absolute_url()}#reply-form",
    )


@login_required
@require_POST
def community_draft_thread(request, slug):
    """The same for a new thread in the community (POST title and body, or discard)."""
    community = _community_or_404(request.user, slug)
    return _draft_answer(
        request,
        lambda body, title: services.draft_save(user=request.user, community=community,
                                                body=body, title=title),
        lambda: services.draft_discard(user=request.user, community=community),
        reverse("community:thread_new", kwargs={"slug": community.slug}),
    )


@require_GET
def post_permalink(request, pk):
    post = _post_or_404(request.user, pk)
    page = PositionPage.number_of(post.position, selectors.POSTS_PER_PAGE)
    return redirect(f"{post.thread.get_absolute_url()}?page={page}#post-{post.pk}")


@login_required
def post_edit(request, pk):
    post = _post_or_404(request.user, pk)
    if not permissions.can_edit_post(request.user, post):
        raise Http404
    form = EditForm(request.POST or None, initial={"body": post.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.post_edit(editor=request.user, post=post, body=form.cleaned_data["body"])
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect("community:post", pk=post.pk)
        status = 400
    revisions = post.revisions.select_related("editor") if permissions.can_moderate_community(
        request.user, post.thread.community) else None
    return render(request, "community/post_edit.html",
                  {"post": post, "form": form, "revisions": revisions}, status=status)


@login_required
@require_POST
def post_delete(request, pk):
    post = _post_or_404(request.user, pk)
    services.post_delete(user=request.user, post=post)
    messages.info(request, _("Your post was deleted."))
    if post.is_first:
        return redirect(post.thread.community)
    return redirect(post.thread)


@login_required
@require_POST
def post_react(request, pk):
    post = _post_or_404(request.user, pk)
    try:
        services.reaction_toggle(user=request.user, post=post, kind=request.POST.get("kind", ""))
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    if request.htmx:
        post.refresh_from_db()
        post.my_reactions = {
            kind for kind in Reaction.objects.filter(user=request.user, post=post).values_list(
                "kind", flat=True)
        }
        return render(request, "community/_reactions.html", {
            "post": post, "reaction_kinds": Reaction.Kind.choices, "can_react": True})
    return redirect("community:post", pk=post.pk)


@login_required
@require_POST
def thread_follow(request, pk):
    thread = selectors.thread_for_page(user=request.user, pk=pk)
    if thread is None:
        raise Http404
    following = services.thread_follow_toggle(user=request.user, thread=thread)
    messages.info(request, _("You're following this discussion.") if following
                  else _("You stopped following this discussion."))
    return redirect(thread)


@login_required
@require_POST
def post_bookmark(request, pk):
    post = _post_or_404(request.user, pk)
    saved = services.bookmark_toggle(user=request.user, post=post)
    messages.info(request, _("Bookmarked.") if saved else _("Bookmark removed."))
    if request.POST.get("next") == "bookmarks":  # removed from the bookmarks page
        return redirect("community:bookmarks")
    return redirect("community:post", pk=post.pk)


@login_required
@require_GET
def bookmarks(request):
    """The member's bookmarks, newest first; a post they may no longer read is left out."""
    page = Paginator(selectors.bookmarks_of(user=request.user), selectors.THREADS_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    saved = list(page.object_list)
    for bookmark in saved:
        bookmark.post.show_author = permissions.can_see_author(request.user, bookmark.post)
    return render(request, "community/bookmarks.html", {"page": page, "bookmarks": saved})


@login_required
@require_POST
def post_accept(request, pk):
    post = _post_or_404(request.user, pk)
    try:
        services.post_accept(user=request.user, post=post)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("community:post", pk=post.pk)
    return redirect("community:post", pk=post.pk)


@login_required
@require_POST
def post_helped(request, pk):
    """"Did this answer help?": yes or no, one private vote per member (a second changes it)."""
    post = _post_or_404(request.user, pk)
    answer = request.POST.get("helped")
    if answer not in ("yes", "no"):
        return HttpResponse(_("Choose yes or no."), status=400)
    services.answer_vote(user=request.user, post=post, helped=answer == "yes")
    messages.success(request, _("Thank you: you said this answer helped you.") if answer == "yes"
                     else _("Thank you: you said this answer did not help you."))
    return redirect("community:post", pk=post.pk)


@login_required
@require_POST
def preview(request):
    body = request.POST.get("body", "")[: services.BODY_MAX]
    return render(request, "community/_preview.html", {"html": render_markdown(body)})


@require_GET
def search_view(request):
    query = request.GET.get("q", "").strip()[:200]
    slug = request.GET.get("community", "")
    community = None
    if slug:
        community = Community.objects.filter(slug=slug).first()
        if community is None or not permissions.can_view_community(request.user, community):
            community = None
    results = search.search_posts(user=request.user, query=query, community=community) \
        if query else []
    more = search.search_more(user=request.user, query=query, community=community) \
        if query else []
    return render(request, "community/search.html", {
        "q": query, "results": results, "community": community, "more": more,
        "communities": permissions.communities_visible_to(request.user),
    })


@require_GET
def profile(request, username):
    member = User.objects.filter(username__iexact=username).first()
    if member is None or not permissions.can_view_profile(request.user, member):
        raise Http404
    posts = (
        permissions.posts_visible_to(request.user, Post.objects.filter(author=member))
        .filter(is_anonymous=False, thread__is_anonymous=False)
        .select_related("thread__community")
        .order_by("-created_at")[:20]
    )
    viewer = request.user
    return render(request, "community/profile.html", {
        "member": member, "posts": posts,
        "show_bio": bool(member.bio) and profile_field_visible(viewer, member,
                                                               member.bio_visibility),
        "show_conditions": bool(member.conditions) and profile_field_visible(
            viewer, member, member.conditions_visibility),
        "show_caregiver": member.is_caregiver and profile_field_visible(
            viewer, member, member.caregiver_visibility),
        "clinician": is_verified_clinician(member),
    })
