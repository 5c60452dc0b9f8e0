"""News written by members goes through the group's "Relecture" workflow."""

import pytest
from wagtail.models import WorkflowState

from workgroups.models import NewsPage


@pytest.mark.django_db
def test_member_submits_news_and_animateur_publishes_it(roles, client_for):
    group = roles.open
    member, animateur = roles.users["membre"], roles.users["animateur"]

    client = client_for(member)
    response = client.post(
        f"/admin/pages/add/workgroups/newspage/{group.pk}/",
        {"title": "Retour du comité", "slug": "retour-du-comite", "date": "2026-11-20", "summary": "Résumé",
         "body": '{"blocks":[{"key":"a","type":"unstyled","depth":0,"text":"Texte","inlineStyleRanges":[],'
                 '"entityRanges":[]}],"entityMap":{}}',
         "action-submit": "Soumettre"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    news = NewsPage.objects.get(slug="retour-du-comite")
    assert not news.live
    state = WorkflowState.objects.get(object_id=str(news.pk))
    assert state.status == "in_progress"
    assert state.workflow.name == "Relecture – Eau"

    # The member cannot publish by themselves.
    assert not news.permissions_for_user(member).can_publish()
    # The animateur approves the task, which publishes the page.
    task_state = state.current_task_state
    assert task_state.task.specific.user_can_access_editor(news, animateur)
    task_state.task.specific.on_action(task_state, animateur, "approve")
    news.refresh_from_db()
    assert news.live

    page = client_for(member).get(group.url).content.decode()
    assert "Retour du comité" in page
    assert "Retour du comité" in client_for(member).get("/").content.decode()
