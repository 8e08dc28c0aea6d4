def test_probe(client, make_agency, login, app):
    agency = make_agency()
    owner = agency.owner
    login(client, owner)
    r = client.post_form("/agency/staff/invite", {"email": "x@example.org"})
    print(r.status_code, r.get_data(as_text=True)[:3000])
    c2 = app.test_client()
    r = c2.post_form("/forgot", {"email": "x@example.org"})
    print(r.status_code)
