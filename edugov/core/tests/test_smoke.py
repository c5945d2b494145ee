import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_public_home_renders_in_chinese_by_default(client):
    response = client.get(reverse("public:home"))
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
