"""URLs of the organisers' pages: conferences, agenda, roll and check-in, polls, paper count, minutes."""

from django.urls import URLPattern, path

from thidua.conferences.views import console, console_polls, console_roll

urlpatterns: list[URLPattern] = [
    # Conferences.
    path("", console.conference_list, name="list"),
    path("block-years/<int:pk>/new/", console.conference_create, name="create"),
    path("<int:pk>/", console.conference_console, name="console"),
    path("<int:pk>/edit/", console.conference_edit, name="edit"),
    path("<int:pk>/open/", console.conference_open, name="open"),
    path("<int:pk>/close/", console.conference_close, name="close"),
    path("<int:pk>/current-item/", console.conference_set_current_item, name="set_current_item"),
    path("<int:pk>/quorum/", console.conference_quorum, name="quorum"),
    path("<int:pk>/minutes/", console.minutes, name="minutes"),
    # The agenda.
    path("<int:pk>/agenda/new/", console.item_add, name="item_add"),
    path("items/<int:pk>/", console.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", console.item_edit, name="item_edit"),
    path("items/<int:pk>/remove/", console.item_remove, name="item_remove"),
    path("items/<int:pk>/move/", console.item_move, name="item_move"),
    path("items/<int:pk>/attachments/", console.item_attach, name="item_attach"),
    path("items/<int:pk>/attachments/<int:attachment_pk>/remove/", console.item_detach, name="item_detach"),
    # The roll.
    path("<int:pk>/roll/", console_roll.roll, name="roll"),
    path("<int:pk>/roll/fill/", console_roll.roll_fill, name="roll_fill"),
    path("<int:pk>/roll/add/", console_roll.delegate_add, name="delegate_add"),
    path("<int:pk>/roll/guest/", console_roll.guest_add, name="guest_add"),
    path("<int:pk>/cards/", console_roll.cards, name="cards"),
    path("delegates/<int:pk>/edit/", console_roll.delegate_edit, name="delegate_edit"),
    path("delegates/<int:pk>/remove/", console_roll.delegate_remove, name="delegate_remove"),
    path("delegates/<int:pk>/check-in/", console_roll.delegate_check_in, name="delegate_check_in"),
    path("delegates/<int:pk>/undo-check-in/", console_roll.delegate_undo_check_in, name="delegate_undo_check_in"),
    path("delegates/<int:pk>/reissue-card/", console_roll.delegate_reissue_card, name="delegate_reissue_card"),
    # Polls and the paper fallback.
    path("items/<int:pk>/polls/new/", console_polls.poll_create, name="poll_create"),
    path("polls/<int:pk>/manage/", console_polls.poll_detail, name="poll_detail"),
    path("polls/<int:pk>/manage/progress/", console_polls.poll_progress, name="poll_progress"),
    path("polls/<int:pk>/edit/", console_polls.poll_edit, name="poll_edit"),
    path("polls/<int:pk>/delete/", console_polls.poll_delete, name="poll_delete"),
    path("polls/<int:pk>/open/", console_polls.poll_open, name="poll_open"),
    path("polls/<int:pk>/close/", console_polls.poll_close, name="poll_close"),
    path("polls/<int:pk>/paper/issue/", console_polls.paper_issue, name="paper_issue"),
    path("polls/<int:pk>/paper/ballots/", console_polls.paper_ballots, name="paper_ballots"),
    path("polls/<int:pk>/paper/count/", console_polls.paper_count, name="paper_count"),
    path("polls/<int:pk>/paper/confirm/", console_polls.paper_confirm, name="paper_confirm"),
]
