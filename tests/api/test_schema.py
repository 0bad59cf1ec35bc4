from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from proposals.workflow import ACTIONS


def test_the_schema_validates_as_openapi_3_and_documents_every_action(db):
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    for name, action in ACTIONS.items():
        if action.actors == {"system"}:
            continue
        operation = schema["paths"][f"/api/cases/{{id}}/actions/{name}/"]["post"]
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
        for code in ("400", "403", "404", "409"):
            ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/Error")
        if not action.fields and not action.on_assignment:
            continue  # no body to document
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        properties = schema["components"]["schemas"][body].get("properties", {})
        assert {f.name for f in action.fields} <= set(properties)
        assert ("assignment" in properties) == action.on_assignment


def test_swagger_ui_is_served_from_local_static_files(db):
    page = APIClient().get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower() and "https://" not in page.replace("https://swagger.io", "")
