"""One parameter rule: the JSON API refuses unknown parameters, pages ignore them; a bad value is a 400 everywhere."""

import pytest

from archive.params import BadParameter


@pytest.mark.parametrize("path", [
    "/api/articles/?colour=red", "/api/entities/?colour=red", "/api/events/?colour=red",
    "/api/search?q=code&colour=red", "/api/search?q=code&utm_source=feed",
])
def test_the_api_refuses_a_parameter_it_does_not_know_and_names_it(client, loaded, settings, path):
    settings.ARCHIVE_API_RATE = None
    response = client.get(path)
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] in ("colour", "utm_source") and body["parameter"] in body["error"]


@pytest.mark.parametrize("path", [
    "/timeline/?utm_source=feed&fbclid=x", "/incidents/?utm_campaign=x", "/archive/2001/?utm_medium=mail",
    "/timeline/export.csv?utm_source=feed",
])
def test_pages_and_files_ignore_parameters_they_do_not_know(client, loaded, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(("path", "parameter"), [
    ("/api/events/?from=2001-13", "from"), ("/api/search?q=code&page=x", "page"),
])
def test_a_bad_value_gets_one_json_shape_in_the_api(client, loaded, settings, path, parameter):
    settings.ARCHIVE_API_RATE = None
    response = client.get(path)
    assert response.status_code == 400 and set(response.json()) == {"error", "parameter"}
    assert response.json()["parameter"] == parameter


@pytest.mark.parametrize("path", ["/timeline/?from=2001-13", "/incidents/?sort=colour", "/archive/2001/13/"])
def test_a_bad_value_gets_the_400_page_on_the_site(client, loaded, path):
    response = client.get(path)
    assert response.status_code == 400 and "Parameter '" in response.content.decode().replace("&#x27;", "'")


def test_the_search_parameters_raise_the_shared_error():
    from archive.search import parse_params

    with pytest.raises(BadParameter) as error:
        parse_params({"q": ["code"], "per_page": ["x"]})
    assert error.value.parameter == "per_page"
